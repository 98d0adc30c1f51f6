"""Reloading datasets: unchanged files are no-ops, edited files replace what their dataset wrote and
touch nothing else, the cleanup cap protects against truncated files, dry runs write nothing, and a
failure inside the write transaction leaves nothing behind (real rollback in the embedded store)."""

from __future__ import annotations

import pytest
from loadhelpers import dataset_exists, org_names, owned_by, recs, snapshot, write_csv

from eitgraph.errors import QueryError
from eitgraph.load.loading import LoadAborted, Loader

HEADER = ["Identifiant", "Raison sociale", "Type d'acteur", "Code INSEE", "Contact", "Fonction", "Instance"]
COMMUNES = ["68063", "68334", "68224", "68376", "68011", "68348"]


def org(i: int, prefix: str = "a", name: str | None = None, insee: str | None = None, contact: str = "",
        role: str = "", body: str = "") -> list[str]:
    return [f"{prefix}{i:02d}", name or f"Organisation {prefix.upper()}{i:02d}", "Entreprise",
            insee or COMMUNES[i % len(COMMUNES)], contact, role, body]


def located_in(kb) -> set[tuple[str, str]]:
    df = kb.cypher("MATCH (o:Organisation)-[:LOCATED_IN]->(c:Commune) RETURN o.id AS o, c.code AS c")
    return set(zip(df["o"], df["c"], strict=True))


def node_state(kb) -> list[dict]:
    """Every non-territory node with its sources and stamps, to compare before/after."""
    return recs(kb.cypher(
        "MATCH (n) WHERE NOT n:Territory AND NOT n:Dataset RETURN coalesce(n.id, n.code) AS key, n.name AS name, "
        "n.sources AS sources, n.source AS source, n.loaded_at AS loaded_at ORDER BY key"))


def rel_state(kb) -> list[dict]:
    return recs(kb.cypher(
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'PART_OF' RETURN coalesce(a.id, a.code) AS a, type(r) AS t, "
        "coalesce(b.id, b.code) AS b, r.sources AS sources ORDER BY a, t, b"))


def dataset_row(kb, dataset_id: str) -> dict | None:
    rows = recs(kb.cypher("MATCH (d:Dataset {id: $id}) RETURN d.sha256 AS sha, d.rows AS rows, "
                          "d.loaded_at AS loaded_at, d.file AS file", id=dataset_id))
    return rows[0] if rows else None


# -- unchanged file ---------------------------------------------------------------------

def test_reloading_the_same_file_changes_nothing(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [
        HEADER, org(1, contact="Marie Dupont", role="Directrice", body="COPIL EIT"), org(2), org(3),
    ])
    first = kb.load("stakeholders", path)
    assert not first.unchanged
    assert first.written == {"Body": 1, "LOCATED_IN": 3, "MEMBER_OF": 1, "Organisation": 3, "Person": 1,
                             "WORKS_FOR": 1}
    before, nodes, rels, ds = snapshot(kb), node_state(kb), rel_state(kb), dataset_row(kb, "stakeholders:acteurs")

    second = kb.load("stakeholders", path)
    assert second.unchanged is True
    assert second.written == {} and second.deleted == {}
    assert "unchanged" in second.summary()
    assert snapshot(kb) == before
    assert node_state(kb) == nodes                       # not even the loaded_at stamps moved
    assert rel_state(kb) == rels
    assert dataset_row(kb, "stakeholders:acteurs") == ds


def test_same_file_with_other_options_is_reloaded(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [HEADER, org(1, insee="68063"), org(2, insee="68224")])
    kb.load("stakeholders", path)
    report = kb.load("stakeholders", path, territory="PETR-THUR-DOLLER")
    assert not report.unchanged
    perim = kb.cypher("MATCH (o:Organisation) RETURN o.id AS id, o.perimeter AS p ORDER BY id")
    assert perim["p"].tolist() == ["territoire", "périphérie"]
    assert kb.load("stakeholders", path, territory="PETR-THUR-DOLLER").unchanged


def test_force_rewrites_an_unchanged_file_without_duplicating(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [HEADER, org(1, contact="Marie Dupont"), org(2)])
    kb.load("stakeholders", path)
    before = snapshot(kb)
    report = kb.load("stakeholders", path, force=True)
    assert not report.unchanged and report.written["Organisation"] == 2
    assert report.deleted == {}
    assert snapshot(kb)["nodes"] == before["nodes"]
    assert snapshot(kb)["relationships"] == before["relationships"]


# -- edited file ----------------------------------------------------------------------------

def test_reloading_an_edited_file_replaces_what_the_dataset_wrote(writable_kb, tmp_path):
    kb = writable_kb
    v1 = write_csv(tmp_path / "acteurs-v1.csv", [
        HEADER, org(1), org(2, insee="68224"), org(3), org(4, name="Ancien nom"),
        org(5, contact="Paul Martin", role="Président", body="GT Bois"),
    ])
    other = write_csv(tmp_path / "partenaires.csv", [HEADER, org(1, prefix="b"), org(2, prefix="b")])
    kb.load("stakeholders", v1, dataset_id="acteurs")
    kb.load("stakeholders", other, dataset_id="partenaires")
    territory_before = {k: v for k, v in snapshot(kb)["nodes"].items() if k in ("Territory", "Commune", "EPCI")}
    others_before = [r for r in node_state(kb) if r["key"].startswith("b")]
    assert ("a02", "68224") in located_in(kb)

    # v2: a02 removed, a04 renamed, a05 lost its contact (and so its GT Bois membership).
    v2 = write_csv(tmp_path / "acteurs-v2.csv", [
        HEADER, org(1), org(3), org(4, name="Nouveau nom"), org(5),
    ])
    report = kb.load("stakeholders", v2, dataset_id="acteurs")
    assert not report.unchanged
    assert report.deleted == {"Organisation": 1, "Person": 1, "Body": 1, "LOCATED_IN": 1, "WORKS_FOR": 1,
                              "MEMBER_OF": 1}

    names = org_names(kb)
    assert "a02" not in names
    assert names["a04"] == "Nouveau nom"
    assert {"a01", "a03", "a05", "b01", "b02"} <= set(names)
    assert all(o != "a02" for o, _ in located_in(kb))
    assert len(located_in(kb)) == 6
    assert kb.cypher("MATCH (p:Person) RETURN count(p) AS n")["n"][0] == 0
    assert kb.cypher("MATCH (b:Body) RETURN count(b) AS n")["n"][0] == 0
    # The other dataset and the territory are untouched, stamps included.
    assert [r for r in node_state(kb) if r["key"].startswith("b")] == others_before
    assert {k: v for k, v in snapshot(kb)["nodes"].items() if k in territory_before} == territory_before
    # The dataset node now describes v2.
    ds = dataset_row(kb, "acteurs")
    assert ds["file"] == "acteurs-v2.csv" and ds["rows"] == 4
    assert kb.cypher("MATCH (d:Dataset) RETURN count(d) AS n")["n"][0] == 4   # territory, groupings, 2 lists


def test_an_organisation_written_by_two_datasets(writable_kb, tmp_path):
    kb = writable_kb
    shared = ["partage", "Recyclerie partagée", "Association", "68063", "", "", ""]
    a1 = write_csv(tmp_path / "a1.csv", [HEADER, org(1), shared])
    b1 = write_csv(tmp_path / "b1.csv", [HEADER, org(1, prefix="b"), shared])
    kb.load("stakeholders", a1, dataset_id="A")
    kb.load("stakeholders", b1, dataset_id="B")
    row = recs(kb.cypher("MATCH (o:Organisation {id: 'partage'})-[r:LOCATED_IN]->() "
                         "RETURN o.sources AS s, r.sources AS rs"))
    assert sorted(row[0]["s"]) == ["A", "B"] and sorted(row[0]["rs"]) == ["A", "B"]

    # A drops it: B still says it exists, so it stays (with its LOCATED_IN), now owned by B only.
    a2 = write_csv(tmp_path / "a2.csv", [HEADER, org(1)])
    report = kb.load("stakeholders", a2, dataset_id="A")
    assert report.deleted == {}
    row = recs(kb.cypher("MATCH (o:Organisation {id: 'partage'})-[r:LOCATED_IN]->(c) "
                         "RETURN o.sources AS s, r.sources AS rs, c.code AS c"))
    assert row == [{"s": ["B"], "rs": ["B"], "c": "68063"}]
    assert set(org_names(kb)) == {"a01", "b01", "partage"}

    # B drops it too: now nobody owns it and it goes, with its relationship.
    b2 = write_csv(tmp_path / "b2.csv", [HEADER, org(1, prefix="b")])
    report = kb.load("stakeholders", b2, dataset_id="B")
    assert report.deleted == {"Organisation": 1, "LOCATED_IN": 1}
    assert set(org_names(kb)) == {"a01", "b01"}
    assert ("partage", "68063") not in located_in(kb)


def test_source_of_a_surviving_node_names_a_dataset_that_still_owns_it(writable_kb, tmp_path):
    kb = writable_kb
    shared = ["partage", "Recyclerie partagée", "Association", "68063", "", "", ""]
    kb.load("stakeholders", write_csv(tmp_path / "b1.csv", [HEADER, shared]), dataset_id="B")
    kb.load("stakeholders", write_csv(tmp_path / "a1.csv", [HEADER, org(1), shared]), dataset_id="A")
    kb.load("stakeholders", write_csv(tmp_path / "a2.csv", [HEADER, org(1)]), dataset_id="A")
    row = recs(kb.cypher("MATCH (o:Organisation {id: 'partage'}) RETURN o.source AS source, o.sources AS sources"))
    assert row == [{"source": "B", "sources": ["B"]}]


# -- the cleanup cap ----------------------------------------------------------------------------

def test_cleanup_cap_aborts_a_reload_that_drops_most_of_the_dataset(writable_kb, tmp_path):
    kb = writable_kb
    full = write_csv(tmp_path / "acteurs.csv", [HEADER, *[org(i) for i in range(1, 25)]])
    kb.load("stakeholders", full, dataset_id="acteurs")
    before, nodes, rels = snapshot(kb), node_state(kb), rel_state(kb)
    ds_before = dataset_row(kb, "acteurs")

    truncated = write_csv(tmp_path / "acteurs-tronque.csv", [HEADER, *[org(i) for i in range(1, 6)]])
    with pytest.raises(LoadAborted) as exc:
        kb.load("stakeholders", truncated, dataset_id="acteurs")
    msg = str(exc.value)
    assert "38 of the 48 nodes and relationships" in msg and "nothing was changed" in msg and "--force" in msg
    # Rolled back: the graph, the sources lists and the dataset node are as before.
    assert snapshot(kb) == before
    assert node_state(kb) == nodes
    assert rel_state(kb) == rels
    assert dataset_row(kb, "acteurs") == ds_before
    assert owned_by(kb, "acteurs") == 48

    report = kb.load("stakeholders", truncated, dataset_id="acteurs", force=True)
    assert report.deleted == {"Organisation": 19, "LOCATED_IN": 19}
    assert set(org_names(kb)) == {f"a{i:02d}" for i in range(1, 6)}
    assert dataset_row(kb, "acteurs")["rows"] == 5


def test_cleanup_cap_allows_small_or_half_deletions(writable_kb, tmp_path):
    kb = writable_kb
    # 6 organisations and their 6 LOCATED_IN, 5 + 5 deleted: more than half, but not more than 10
    # nodes and relationships → allowed.
    kb.load("stakeholders", write_csv(tmp_path / "s1.csv", [HEADER, *[org(i, "s") for i in range(1, 7)]]),
            dataset_id="small")
    report = kb.load("stakeholders", write_csv(tmp_path / "s2.csv", [HEADER, org(1, "s")]), dataset_id="small")
    assert report.deleted == {"LOCATED_IN": 5, "Organisation": 5}
    # 24 nodes, exactly half dropped → allowed (the cap is *more* than 50 %).
    kb.load("stakeholders", write_csv(tmp_path / "h1.csv", [HEADER, *[org(i, "h") for i in range(1, 25)]]),
            dataset_id="half")
    report = kb.load("stakeholders", write_csv(tmp_path / "h2.csv", [HEADER, *[org(i, "h") for i in range(1, 13)]]),
                     dataset_id="half")
    assert report.deleted["Organisation"] == 12
    assert len([k for k in org_names(kb) if k.startswith("h")]) == 12


# -- dry run ------------------------------------------------------------------------------------

def test_dry_run_writes_nothing_and_reports_counts(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [
        HEADER, org(1, contact="Marie Dupont", role="Directrice", body="COPIL EIT|GT Bois"), org(2), org(3),
    ])
    before = snapshot(kb)
    report = kb.load("stakeholders", path, dry_run=True)
    assert report.dry_run and not report.unchanged
    assert report.rows == 3
    assert report.written == {"Body": 2, "LOCATED_IN": 3, "MEMBER_OF": 2, "Organisation": 3, "Person": 1,
                              "WORKS_FOR": 1}
    assert "would write" in report.summary() and "3 Organisation" in report.summary()
    assert snapshot(kb) == before
    assert not dataset_exists(kb, "stakeholders:acteurs")
    # A dry run does not count as a load: the real load afterwards writes.
    real = kb.load("stakeholders", path)
    assert not real.unchanged and real.written == report.written
    assert len(org_names(kb)) == 3


def test_dry_run_still_validates(territory_kb, tmp_path):
    from eitgraph.errors import ValidationError
    kb = territory_kb
    path = write_csv(tmp_path / "acteurs.csv", [HEADER, org(1, insee="68999")])
    with pytest.raises(ValidationError, match="68999"):
        kb.load("stakeholders", path, dry_run=True)


# -- failure inside the write transaction -------------------------------------------------------------

def fail_after(original, how: str):
    """A Loader._apply that does all its real work in the transaction, then fails."""

    def failing(self, tx, *args, **kwargs):
        result = original(self, tx, *args, **kwargs)
        # The writes are visible inside the transaction before it fails...
        seen = tx.run("MATCH (n:Organisation) RETURN count(n) AS n").single()["n"]
        assert seen > 0
        if how == "python":
            raise RuntimeError("simulated crash after writing")
        tx.run("THIS IS NOT CYPHER").consume()       # a real error from the store
        return result

    return failing


@pytest.mark.parametrize("how, error", [("python", RuntimeError), ("store", QueryError)])
def test_failure_during_first_load_leaves_nothing(writable_kb, tmp_path, monkeypatch, how, error):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [HEADER, org(1, contact="Marie Dupont", body="COPIL EIT"), org(2)])
    before = snapshot(kb)
    monkeypatch.setattr(Loader, "_apply", fail_after(Loader._apply, how))
    with pytest.raises(error):
        kb.load("stakeholders", path)
    assert snapshot(kb) == before
    assert org_names(kb) == {}
    assert not dataset_exists(kb, "stakeholders:acteurs")
    assert owned_by(kb, "stakeholders:acteurs") == 0
    monkeypatch.undo()
    # Nothing half-done blocks the next attempt.
    report = kb.load("stakeholders", path)
    assert not report.unchanged and report.written["Organisation"] == 2


def test_failure_during_reload_keeps_the_previous_version(writable_kb, tmp_path, monkeypatch):
    kb = writable_kb
    v1 = write_csv(tmp_path / "v1.csv", [HEADER, org(1), org(2, contact="Marie Dupont"), org(3, name="Avant")])
    kb.load("stakeholders", v1, dataset_id="acteurs")
    before, nodes, rels, ds = snapshot(kb), node_state(kb), rel_state(kb), dataset_row(kb, "acteurs")

    v2 = write_csv(tmp_path / "v2.csv", [HEADER, org(1), org(3, name="Après"), org(4)])
    monkeypatch.setattr(Loader, "_apply", fail_after(Loader._apply, "python"))
    with pytest.raises(RuntimeError):
        kb.load("stakeholders", v2, dataset_id="acteurs")
    # Releases, deletions, renames and the new organisation were all rolled back.
    assert snapshot(kb) == before
    assert node_state(kb) == nodes
    assert rel_state(kb) == rels
    assert dataset_row(kb, "acteurs") == ds
    assert org_names(kb)["a03"] == "Avant"
    monkeypatch.undo()
    report = kb.load("stakeholders", v2, dataset_id="acteurs")
    assert report.deleted == {"Organisation": 1, "Person": 1, "LOCATED_IN": 1, "WORKS_FOR": 1}
    assert org_names(kb) == {"a01": "Organisation A01", "a03": "Après", "a04": "Organisation A04"}
