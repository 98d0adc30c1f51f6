"""Plans and their actions → Plan, Axis, Action nodes and who leads, partners, pilots and funds them.

Two source kinds share this transform: ``plans`` (the Territoires en Transitions import workbook, read
as TeT's own importer reads it: ``apps/backend/src/plans/plans/import-plan-aggregate`` of
``incubateur-ademe/territoires-en-transitions``) and ``plan-form`` (a plain CSV/XLSX form, one row per
action, with the same columns).

Rules (documented here because they decide what is read and what merges):

* **The sheet** (``plans``) is the first, in tab order and hidden ones included, whose A2 is « Axe (x) »,
  as in TeT (``--sheet`` chooses another); headers on row 2; rows 1–3 are skipped by position; every
  filled row from row 4 is read; a merged cell is read as its range's top-left value. **Columns are
  found by their header text**, not by position as TeT does: a file TeT refuses for its header order or
  spelling is read, with a warning quoting TeT's refusal.
* **Template text.** A row whose every cell is the template's own instruction or example text is
  skipped (warned: TeT would read it and refuse the file); a cell still holding the template's help text
  (« Ces informations devront être saisies… », « Choisissez l'option… ») is read as empty (warned, naming
  it); a real action is never dropped for it.
* **Plan metadata** comes from the loader options, else from a sidecar YAML next to the file
  (``plan.xlsx.yaml`` or ``plan.yaml``: id, name, type, territory, owner, period_start, period_end,
  description, illustrative, and ``organisations``: a map from names as written to Organisation ids).
* **Axes** (:mod:`.axes`): the path of a row is its non-empty « Axe », « Sous-axe », « Sous-sous axe »
  cells — no inheritance from the row above, no level required —, and an axis is one exact text path
  of names (TeT's key); names are kept whole, numbering included (a number is parsed for display).
* **Actions and sous-actions.** The title is the cell as TeT stores it (trimmed; numbering and line
  breaks kept; at most 300 characters). A row with « Titre de la sous-action » is a sous-action: an
  Action titled with it, SUB_ACTION_OF the action of the same axis path titled as its « Titre de
  l'action », which must have a row of its own (else an error naming the sous-action). Two actions with
  the same exact title in one axis path are refused, as TeT refuses them; elsewhere the same title is
  another action.
* **Action identity.** The « Identifiant » column when given; else ``act-<slug of the title without
  its numbering>--<id of the first lead structure>`` (or ``--<plan id>`` without a lead), so the same
  action in two plans is one Action with two IN_PLAN links (each plan's dataset owns only its own links).
  Actions of one plan that would share an id get their axis path added, then a row-order suffix; a
  sous-action's id is its parent's followed by its own title.
* **Values** (:mod:`.readings`): what the author meant — dates day first, known spellings of statuses
  and priorities —, with a warning wherever TeT would store something else or refuse the file
  (:mod:`.tetrules` restates TeT's readings: its fuzzy matching, its date parsing, its number coercion).
* **Lists** (structures, partners, services, persons, funders): split on commas outside ( ), "…" and
  « … », repeats dropped ignoring case, as TeT splits them. Names of organisations are matched, in
  order, by the sidecar's ``organisations`` map, then as mentions (:mod:`eitgraph.load.identity`
  matches them with other files' organisations, or creates them with a kind guessed from the name by
  :func:`.keywords.guess_kind`). Services are Service nodes and persons Person nodes, keyed by the slug
  of their name.
* **Funders.** « Financeur N » with the « Montant € HT » column right after it (or a « Montant financeur
  N » column); several funders in one cell share its amount (``share``) — TeT makes one funder of the
  cell: warned; a funder without amount is kept without amount — TeT drops it: warned.
* **Référentiel and pillars.** « eci 2.1 - … » in « Mesures liées » / « Actions liées » links the action
  to Measure ``eci_2.1`` when the shipped référentiel has that item (the Measure is mentioned, so the
  link holds whether ``eitgraph load referentiel`` runs before or after; a warning says when it has not
  run yet); « Piliers » and « Catégories de matières » columns link explicitly. Without them, and unless
  ``infer=false``, the keyword rules :data:`.keywords.PILLAR_KEYWORDS` and :data:`.keywords.CATEGORY_KEYWORDS`
  applied to the title and description link pillars and (loaded) material categories, with ``via: 'keywords'``.

One module per concern: :mod:`.sheet` (finding and reading the sheet), :mod:`.workbook` (the template's
own texts; writing workbooks TeT can import), :mod:`.tetrules` (TeT's readings), :mod:`.readings`
(eitgraph's readings and the warnings), :mod:`.report` (warnings about the workbook), :mod:`.axes`,
:mod:`.numbering` (numbers in titles and names, short ids), :mod:`.keywords` (pillars, categories and
organisation kinds guessed from words), :mod:`.metadata` (the plan, from options or a sidecar),
:mod:`.organisations` (names → Organisation mentions), :mod:`.links` (people, funders, measures,
pillars and categories of an action) and :mod:`.transform` (one plan's rows → actions).
"""
