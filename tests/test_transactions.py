"""Write transactions as a cluster needs them, on the embedded store: retried on transient errors
without repeating anything, replanned after a conflict with another client, serialised per data
folder, and the schema checked on open without failing for a user who may not create it."""

from __future__ import annotations

import dataclasses
import threading
import time

import neo4j
import pytest
from loadhelpers import write_csv
from test_reload import HEADER, org

from eitgraph.errors import StoreError
from eitgraph.kb import KnowledgeBase, SchemaWarning
from eitgraph.load.loading import Loader
from eitgraph.store import Store
from eitgraph.store import folder as store_folder


def _flaky(original, attempts, error):
    def once(self, tx, *args, **kwargs):
        original(self, tx, *args, **kwargs)
        attempts.append(1)
        if len(attempts) == 1:
            raise error

    return once


@pytest.mark.parametrize("error", [neo4j.exceptions.SessionExpired("simulated: the leader changed"),
                                   neo4j.exceptions.ServiceUnavailable("simulated: connection lost")])
def test_a_transient_error_runs_the_load_again_and_reports_it_once(writable_kb, new_kb, haut_rhin, tmp_path,
                                                                   monkeypatch, error):
    # Extra columns give warnings: a retry must not report them twice.
    path = write_csv(tmp_path / "acteurs.csv", [[*HEADER, "Colonne inconnue"], [*org(1), "x"], [*org(2), "y"]])
    attempts = []
    monkeypatch.setattr(Loader, "_apply", _flaky(Loader._apply, attempts, error))
    report = writable_kb.load("stakeholders", path)
    monkeypatch.undo()
    assert len(attempts) == 2
    reference = new_kb()
    from conftest import load_haut_rhin

    load_haut_rhin(reference, haut_rhin)
    expected = reference.load("stakeholders", path)
    assert report.notes == expected.notes and len(report.notes) >= 1
    assert (report.written, report.changed) == (expected.written, expected.changed)
    assert writable_kb.cypher("MATCH (o:Organisation) RETURN count(o) AS n")["n"][0] == 2
    history = writable_kb.history("stakeholders:acteurs")
    assert [e["action"] for e in history] == ["load"]  # the failed attempt left no trace


def test_a_uniqueness_conflict_replans_only_when_asked(empty_kb):
    store = empty_kb.store
    calls = []

    def work(tx):
        calls.append(1)
        if len(calls) == 1:  # as if another client had created the same key meanwhile
            tx.run("CREATE (:Dataset {id: 'conflict'})").consume()
            tx.run("CREATE (:Dataset {id: 'conflict'})").consume()
        return len(calls)

    assert store.transaction(work, replan=True) == 2
    calls.clear()
    with pytest.raises(StoreError, match="uniqueness"):
        store.transaction(work)
    assert len(calls) == 1


def test_reads_and_writes_share_the_bookmark_manager(empty_kb):
    store = empty_kb.store
    assert store.bookmarks is store.driver.execute_query_bookmark_manager
    with store.session() as session:
        assert session._config.bookmark_manager is store.bookmarks


def test_writes_to_one_folder_wait_for_each_other_and_say_so(writable_kb, tmp_path, capfd):
    path = write_csv(tmp_path / "acteurs.csv", [HEADER, org(1), org(2)])
    folder = writable_kb.config.data_dir
    holding, done = threading.Event(), {}

    def other_writer():
        with store_folder.write_lock(folder, "a long load"):
            holding.set()
            time.sleep(2)
        done["released"] = time.monotonic()

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(30)
    writable_kb.load("stakeholders", path)
    finished = time.monotonic()
    thread.join()
    assert finished >= done["released"]
    err = capfd.readouterr().err
    assert "Waiting for process" in err and "(a long load) to finish writing to" in err


def test_a_user_who_may_not_create_the_schema_is_told_to_run_init(empty_kb, monkeypatch):
    # A fresh database of the session's server: its schema is missing until someone creates it.
    config = dataclasses.replace(empty_kb.config, database=f"{empty_kb.config.database}s")
    original = Store.execute

    def forbidden(self, cypher, params=None):
        if cypher.startswith(("CREATE CONSTRAINT", "CREATE INDEX")):
            error = neo4j.exceptions.Forbidden._hydrate_neo4j(
                code="Neo.ClientError.Security.Forbidden", message="Schema operations are not allowed for user")
            raise StoreError(f"statement failed: {error.message}") from error
        return original(self, cypher, params)

    monkeypatch.setattr(Store, "execute", forbidden)
    with pytest.warns(SchemaWarning, match=r"lacks \d+ constraint\(s\) .* run 'eitgraph init' as an administrator"):
        kb = KnowledgeBase(config)
    kb.close()
    monkeypatch.undo()
    kb = KnowledgeBase(config)  # with the rights: created on first use, without a word
    try:
        assert kb.missing_schema() == []
    finally:
        kb.close()
