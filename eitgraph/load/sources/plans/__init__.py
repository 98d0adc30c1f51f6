"""Plans and their actions → Plan, Axis, Action nodes and who leads, partners, pilots and funds them.

Two source kinds share this transform: ``plans`` (the Territoires en Transitions import workbook) and
``plan-form`` (a plain CSV/XLSX form, one row per action).

Rules (documented here because they decide what merges):

* **Template rows.** In the TeT workbook the rows under the headers that hold the template's format
  (« Champ texte »…), its instructions, and its pre-filled example (« Assurer la coordination de la
  transition écologique » / « La Collectivité Exemple ») are skipped, with any problem found in them;
  cells holding the template's placeholder (« Ces informations devront être saisies… ») count as empty.
* **Plan metadata** comes from the loader options, else from a sidecar YAML next to the file
  (``plan.xlsx.yaml`` or ``plan.yaml``: id, name, type, territory, owner, period_start, period_end,
  description, illustrative, and ``organisations``: a map from names as written to Organisation ids).
* **Axes** are parsed as « 1. Titre », « 1.1. Titre », « Axe 1 : Titre », « Objectif stratégique 2. Titre »,
  « 4.2 : Titre », « II. Titre »; an axis is keyed by the plan id and the path of its numbers (or of
  the slugs of unnumbered names). A row that gives a sub-axis but no axis inherits the axis of the
  row above (merged cells read as empty).
* **Action identity.** The « Identifiant » column when given; else ``act-<slug of the title without
  its numbering[-sub-action]>--<id of the first lead structure>`` (or ``--<plan id>`` without a lead).
  The same action in two plans is therefore one Action with two IN_PLAN links; each plan's dataset
  owns only its own links. Two rows of one plan with the same title (and sub-action) are an error.
* **Organisations** named as leads, partners or funders (comma-separated) are matched, in order, by
  the sidecar's ``organisations`` map, by Organisation id, by the slug of the name as an id, then by
  folded name (case, accents and punctuation ignored). Unmatched names become new organisations
  keyed by the slug of the name, with a kind guessed from the name (:func:`.keywords.guess_kind`: collectivities,
  syndicats, PETR → public_body; ADEME, Banque des Territoires → funder; CCI/CMA → consular; DREAL,
  préfecture → state_service; associations, Emmaüs, insertion → ess; SA/SAS/SARL → company…), or no
  kind when nothing fits. Services (« Direction ou service pilote ») are Service nodes keyed by the slug
  of their name; persons (pilots, elected referents) are Person nodes keyed by the slug of their name,
  as the stakeholder loader does.
* **Funders.** « Financeur N » with the amount of the « Montant » column right after it (or a
  « Montant financeur N » column); a cell naming several funders shares its amount equally (``share``).
* **Référentiel and pillars.** « eci 2.1 - … » in « Mesures liées » / « Actions liées » links the action to
  Measure ``eci_2.1`` (which must be loaded: ``eitgraph load referentiel reference:…``); « Piliers » and
  « Catégories de matières » columns link explicitly. Without them, and unless ``infer=false``, the
  keyword rules :data:`.keywords.PILLAR_KEYWORDS` and :data:`.keywords.CATEGORY_KEYWORDS` applied to the
  title, sub-action and description link pillars and (loaded) material categories, with ``via: 'keywords'``.

One module per concern: :mod:`.numbering` (axes, action numbers, names in a cell), :mod:`.keywords`
(pillars, categories and organisation kinds guessed from words), :mod:`.metadata` (the plan, from
options or a sidecar), :mod:`.organisations` (names → Organisation ids), :mod:`.workbook` (the TeT
template's own rows and amount columns), :mod:`.links` (axes, people, funders, measures, pillars and
categories of an action) and :mod:`.transform` (one plan's rows → actions).
"""
