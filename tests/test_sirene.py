"""SIRENE stock files as INSEE publishes them (issue #13, item 1): the committed samples in INSEE's layout
(``tests/data/sirene/``), zipped and not, both stock files in either order, the territory filters, partial
diffusion, arrondissements, old commune codes, the DROM's projection, and the bad inputs."""

from __future__ import annotations

import zipfile

import pytest
from loadhelpers import recs, snapshot
from test_reload_invariant import dump

from eitgraph import shipped
from eitgraph.errors import ConfigError, InputError, ValidationError
from eitgraph.load.sources import sirene_files
from eitgraph.load.spec import LoaderSpec

DATA = shipped.path("examples").parent / "tests" / "data" / "sirene"
ETAB = DATA / "StockEtablissement_sample.csv"
UNITS = DATA / "StockUniteLegale_sample.csv"
BANATIC = shipped.path("reference", "perimetre-epci-a-fp.csv")
DEPS = ("68", "75", "69", "13", "974")


@pytest.fixture(scope="module")
def territories(tmp_path_factory):
    """The BANATIC rows of the Haut-Rhin, Paris, Lyon, Marseille and La Réunion, in the file's own format."""
    header, *rows = BANATIC.read_bytes().split(b"\r\n")
    path = tmp_path_factory.mktemp("banatic") / "perimetre-epci-sirene.csv"
    keep = [r for r in rows if r.split(b";")[0].decode() in DEPS]
    path.write_bytes(b"\r\n".join([header, *keep]) + b"\r\n")
    return path


@pytest.fixture()
def kb(new_kb, territories):
    kb = new_kb()
    kb.load("territory", territories, dataset_id="territory:sirene", departement=",".join(DEPS))
    return kb


def orgs(kb) -> dict[str, dict]:
    df = kb.cypher("MATCH (o:Organisation) OPTIONAL MATCH (o)-[:LOCATED_IN]->(c) RETURN o.id AS id, o.name AS name, "
                   "o.name_from AS name_from, o.naf AS naf, o.naf_nomenclature AS nomenclature, o.naf_label AS label, "
                   "o.active AS active, o.lat AS lat, o.lon AS lon, o.address AS address, o.postal_code AS postal, "
                   "o.partial_diffusion AS partial, o.kind AS kind, o.commune_code AS commune, c.code AS located")
    return {r["id"]: r for r in recs(df)}


def notes(report) -> dict[str, str]:
    return {n.code: n.message for n in report.notes}


# -- the real layout ------------------------------------------------------------------------------

def test_establishments_as_insee_publishes_them(kb):
    report = kb.load("sirene", ETAB)
    assert report.rows_read == 312
    # Rows of communes outside the graph, abroad and closed are left out and counted.
    assert report.left_out["closed"] > 0 and report.left_out["abroad"] == 2
    assert sum(report.left_out.values()) + report.rows == 312
    codes = notes(report)
    assert {"sirene_closed", "sirene_abroad", "sirene_commune_not_loaded", "sirene_partial"} <= set(codes)
    assert "-o include_closed=true" in codes["sirene_closed"]
    assert "eitgraph load territory" in codes["sirene_commune_not_loaded"]
    found = orgs(kb)
    assert len(found) == report.rows and all(o["active"] for o in found.values())
    # Paris 8e and Lyon 3e are in Paris and Lyon; the closed Marseille 8e establishment is skipped.
    assert found["99990000400014"]["located"] == "75056" and found["99990000400014"]["commune"] == "75056"
    assert found["99990000400014"]["name"] == "CAFE, TABAC DU 8E"   # a quoted comma
    assert found["99990000400022"]["located"] == "69123"
    assert "99990000400030" not in found
    assert "arrondissement" in codes["sirene_commune_resolved"]
    # Partial diffusion: what is public loads, « [ND] » is never a value.
    nd = found["99990002000010"]
    assert nd["partial"] is True and nd["address"] is None and nd["lat"] is None and nd["postal"] == "68800"
    assert nd["name"] == "Établissement 99990002000010" and nd["naf"] == "43.22A"
    assert not kb.cypher("MATCH (n) WHERE any(k IN keys(n) WHERE n[k] = '[ND]') RETURN count(n) AS n")["n"][0]
    # La Réunion: UTM 40S, not Lambert-93.
    reunion = found["99990004600015"]
    assert reunion["located"] == "97411"
    assert reunion["lat"] == pytest.approx(-20.87, abs=0.05) and reunion["lon"] == pytest.approx(55.45, abs=0.05)
    # Only a dénomination usuelle: that is its name; NAFRev2 codes have their label.
    thann = found["99990003800020"]
    assert thann["name"] == "SCIERIE DE LA THUR" and thann["label"] and thann["nomenclature"] == "NAFRev2"


def test_closed_establishments_with_their_old_codes(kb):
    report = kb.load("sirene", ETAB, include_closed=True)
    assert "closed" not in report.left_out
    found = orgs(kb)
    old = {s: found[s] for s in ("99990001200017", "99990001200025", "99990001200033", "99990001200041")}
    assert all(o["active"] is False for o in old.values())
    # Every nomenclature is kept with its code; only NAFRev2 has a label.
    assert [(o["naf"], o["nomenclature"], o["label"]) for o in old.values()] == [
        ("47.05", "NAP", None), ("17.2C", "NAF1993", None), ("17.2A", "NAFRev1", None), (None, None, None)]
    # Niederbruck (68233) is a commune déléguée of Masevaux-Niederbruck (68201) today.
    assert old["99990001200017"]["located"] == "68201"
    assert "former commune" in notes(report)["sirene_commune_resolved"]
    assert "NAP" in notes(report)["sirene_old_nomenclature"]


def test_zipped_as_published_reads_the_same(kb, tmp_path):
    archive = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(ETAB, "StockEtablissement_utf8.csv")
    plain = kb.load("sirene", ETAB, dry_run=True)
    zipped = kb.load("sirene", archive, dry_run=True)
    assert (zipped.rows_read, zipped.rows, zipped.written, zipped.left_out) == (
        plain.rows_read, plain.rows, plain.written, plain.left_out)


# -- legal units, in either order -----------------------------------------------------------------

def test_units_name_their_establishments_whichever_file_comes_first(new_kb, territories):
    graphs = []
    for order in ((ETAB, UNITS), (UNITS, ETAB)):
        kb = new_kb()
        kb.load("territory", territories, dataset_id="territory:sirene", departement=",".join(DEPS))
        for path in order:
            kb.load("sirene", path, include_closed=True)
        graphs.append(dump(kb))
        found = orgs(kb)
        # No enseigne nor dénomination usuelle: the unit's legal name.
        assert found["99990000400022"]["name"] == "ATELIERS DU 8E, REEMPLOI"
        assert found["99990000400022"]["name_from"] == "unit"
        # An individual: « prénom nom » (prenom1UniteLegale nomUniteLegale).
        assert found["99990005300011"]["name"] == "MARIE KELLER"
        # Its own dénomination usuelle wins over the unit's name.
        assert found["99990003800020"]["name"] == "SCIERIE DE LA THUR" and found["99990003800020"]["name_from"] is None
        # A unit in partial diffusion has no public name: the establishment keeps its SIRET name.
        assert found["99990002000010"]["name"] == "Établissement 99990002000010"
        units = {r["siren"]: r for r in recs(kb.cypher(
            "MATCH (u:LegalUnit) RETURN u.siren AS siren, u.name AS name, u.kind AS kind, u.ess AS ess, "
            "u.legal_category AS category, u.company_size AS size, u.active AS active, u.head_office AS head"))}
        assert units["999900004"]["kind"] == "ess" and units["999900004"]["ess"] is True
        assert units["999900004"]["category"] == "9220" and units["999900004"]["size"] == "PME"
        assert units["999900004"]["head"] == "99990000400014"
        assert units["999900012"]["active"] is False   # ceased, loaded with include_closed
        assert units["999900020"]["name"] is None
    assert graphs[0] == graphs[1]


def test_dropping_the_units_gives_back_the_siret_names(kb):
    kb.load("sirene", ETAB)
    kb.load("sirene", UNITS)
    assert orgs(kb)["99990000400022"]["name"] == "ATELIERS DU 8E, REEMPLOI"
    kb.drop("sirene:StockUniteLegale_sample", force=True)
    row = orgs(kb)["99990000400022"]
    assert row["name"] == "Établissement 99990000400022" and row["name_from"] is None


def test_a_list_names_an_establishment_better_than_its_unit(kb, tmp_path):
    kb.load("sirene", ETAB)
    kb.load("sirene", UNITS)
    from loadhelpers import write_csv
    lst = write_csv(tmp_path / "acteurs.csv", [["Nom de l'entreprise", "N° SIRET", "Code INSEE"],
                                                ["Ateliers du Huitième (Lyon)", "99990000400022", "69123"]])
    kb.load("stakeholders", lst)
    assert orgs(kb)["99990000400022"]["name"] == "Ateliers du Huitième (Lyon)"
    kb.drop("stakeholders:acteurs", force=True)
    assert orgs(kb)["99990000400022"]["name"] == "ATELIERS DU 8E, REEMPLOI"


def test_units_of_a_national_file_follow_the_establishments_loaded(kb):
    with pytest.raises(ConfigError, match="load StockEtablissement first"):
        kb.load("sirene", UNITS, departement="68")
    kb.load("sirene", ETAB, departement="68")
    report = kb.load("sirene", UNITS, departement="68")
    sirens = set(kb.cypher("MATCH (o:Organisation) RETURN DISTINCT o.siren AS s")["s"])
    units = set(kb.cypher("MATCH (u:LegalUnit) RETURN u.siren AS s")["s"])
    assert units and units <= sirens
    assert report.left_out["outside"] > 0


# -- territory filters ----------------------------------------------------------------------------

def test_departement_and_territory_filters(new_kb, haut_rhin):
    from conftest import load_haut_rhin
    kb = new_kb()
    load_haut_rhin(kb, haut_rhin)
    by_dep = kb.load("sirene", ETAB, departement="68", dry_run=True)
    thur = kb.load("sirene", ETAB, territory="PETR-THUR-DOLLER", dry_run=True)
    default = kb.load("sirene", ETAB, dry_run=True)
    assert by_dep.rows == default.rows > thur.rows > 0
    assert thur.left_out["outside"] > by_dep.left_out["outside"]
    assert "outside territory PETR-THUR-DOLLER" in notes(thur)["sirene_outside"]
    with pytest.raises(ConfigError, match="no territory with communes has this code"):
        kb.load("sirene", ETAB, territory="NOWHERE")


def test_strict_makes_a_commune_outside_the_graph_an_error(new_kb, haut_rhin):
    kb = new_kb()
    kb.load("territory", haut_rhin, epci="200036465")  # 16 communes of Thann-Cernay only
    report = kb.load("sirene", ETAB, departement="68", dry_run=True)
    assert report.left_out["not_in_graph"] > 0
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("sirene", ETAB, departement="68", strict=True)
    assert "is not in the graph" in str(exc.value) and exc.value.location.column == "codeCommuneEtablissement"
    assert snapshot(kb) == before


def test_no_commune_loaded_names_the_command(new_kb):
    kb = new_kb()
    with pytest.raises(ConfigError, match="eitgraph load territory perimetre-epci-a-fp.csv"):
        kb.load("sirene", ETAB)


# -- bad input ------------------------------------------------------------------------------------

def _edited(tmp_path, source, name, edit):
    lines = source.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    lines = [lines[0], *[edit(header, line) for line in lines[1:]]]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_unknown_nomenclature_value(kb, tmp_path):
    def edit(header, line):
        if line.startswith("999900053,"):
            cells = line.split(",")
            cells[header.index("nomenclatureActivitePrincipaleEtablissement")] = "NAFRev3"
            return ",".join(cells)
        return line
    path = _edited(tmp_path, ETAB, "StockEtablissement_bad.csv", edit)
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("sirene", path)
    assert len(exc.value.problems) == 1
    assert exc.value.location.column == "nomenclatureActivitePrincipaleEtablissement"
    assert exc.value.location.row == 313
    assert "unknown activity nomenclature 'NAFRev3'" in str(exc.value) and "NAFRev2, NAFRev1, NAF1993, NAP" in str(exc.value)
    assert snapshot(kb) == before


def test_unit_file_with_a_siren_that_is_not_nine_digits(kb, tmp_path):
    path = _edited(tmp_path, UNITS, "StockUniteLegale_bad.csv",
                   lambda h, line: "99990004," + line.split(",", 1)[1] if line.startswith("999900046,") else line)
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("sirene", path)
    assert (exc.value.location.row, exc.value.location.column) == (192, "siren")
    assert "a SIREN has 9 digits: '99990004'" in str(exc.value)
    assert snapshot(kb) == before


def test_history_and_other_files_are_refused(kb, tmp_path):
    history = tmp_path / "StockEtablissementHistorique_utf8.csv"
    history.write_text("siren,nic,siret,dateFin,dateDebut,etatAdministratifEtablissement\n"
                       "999900004,00014,99990000400014,,2008-01-01,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="SIRENE history file .*dateFin"):
        kb.load("sirene", history)
    other = tmp_path / "liste.csv"
    other.write_text("Nom;Ville\nA;Thann\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a SIRENE stock file"):
        kb.load("sirene", other)


def test_reader_keeps_only_the_columns_it_reads():
    table = sirene_files.read(ETAB, options={"departement": ["68"]}, spec=LoaderSpec.load("sirene"),
                              lookup=lambda q, p: [{"codes": ["68334", "68063"]}])
    assert table.layout == "establishments" and table.rows_read == 312
    assert "libelleCommuneEtablissement" not in table.headers and "siret" in table.headers
    assert len(table.headers) < 25


# -- a load written in several transactions ---------------------------------------------------------

class Stop(Exception):
    pass


def _stop_after_first_commit(monkeypatch):
    from eitgraph.load import pending
    wrote = pending.Writer.wrote
    stopped = []

    def failing(self, n):
        wrote(self, n)
        if self.commits and not stopped:
            stopped.append(1)
            raise Stop("the machine stopped")
    monkeypatch.setattr(pending.Writer, "wrote", failing)


def test_a_big_load_written_in_several_transactions_is_the_same(new_kb, territories):
    graphs = []
    for commit_every in (None, 40):
        kb = new_kb()
        kb.load("territory", territories, dataset_id="territory:sirene", departement=",".join(DEPS))
        kb.loader.commit_every = commit_every or kb.loader.COMMIT_EVERY
        kb.load("sirene", ETAB, include_closed=True)
        kb.load("sirene", UNITS)
        graphs.append(dump(kb))
        assert not kb.loader.pending()
    assert graphs[0] == graphs[1]


def test_an_interrupted_big_load_is_put_back(kb, monkeypatch):
    kb.load("sirene", ETAB)                       # version 1, in one transaction
    before = dump(kb)
    kb.loader.commit_every = 40
    _stop_after_first_commit(monkeypatch)
    with pytest.raises(Stop):
        kb.load("sirene", ETAB, include_closed=True, dataset_id="sirene:StockEtablissement_sample")
    assert not kb.loader.pending() and dump(kb) == before   # put back at once


def test_a_big_load_cut_by_a_crash_is_put_back_at_the_next_open(kb, new_kb, monkeypatch):
    before = dump(kb)
    kb.loader.commit_every = 40
    _stop_after_first_commit(monkeypatch)
    monkeypatch.setattr(type(kb.loader), "recover", lambda self: [])  # the process dies: nothing put back
    with pytest.raises(Stop):
        kb.load("sirene", ETAB)
    assert kb.loader.pending() == ["sirene:StockEtablissement_sample"]
    assert dump(kb) != before
    monkeypatch.undo()
    again = new_kb(kb.store.database)               # the next open puts it back
    assert not again.loader.pending() and dump(again) == before
