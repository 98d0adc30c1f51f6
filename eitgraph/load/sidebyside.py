"""The parts of a load too big for one transaction, written side by side in several sessions.

A Neo4j server applies a transaction's writes to its stores when the transaction commits, on the one
thread that serves it: for the 760,000 new relationships of a regional diagnostics load, the commits
took two thirds of the write time (21 s of 33 s on Neo4j 5.26), while the client waited. Parts written
in two sessions at once keep two server threads busy. This is only for a load already written in several
transactions (see :mod:`.pending`): the dataset stays marked pending until its last transaction, so
the graph holds all of it or, after recovery, none. The parts are relationship creations, which depend
on nothing but their ends (committed before the parts start); a part that meets a transient error (two
sessions locking the same hub) is run again by the driver (``execute_write``).

The embedded ArcadeDB is not written this way: its writes take the folder's write lock, and concurrent
transactions on the same vertices conflict rather than wait.

>>> [[(q, len(rows)) for q, rows, _ in part] for part in parts(iter([("A", list(range(7)), {}),
...                                                                  ("B", list(range(4)), {})]), 3, 6)]
[[('A', 3), ('A', 3)], [('A', 1), ('B', 3), ('B', 1)]]
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

# Two sessions: each part then has a server thread of its own on a two-CPU machine, and on larger servers
# more sessions would mostly wait for the same hubs' locks.
SESSIONS = 2

Part = list[tuple[str, "Rows", dict]]


class Rows(list):
    """A batch of parameter rows with a short repr: the neo4j driver formats the parameters of
    every RUN for its debug log even when that log is off (measured: 0.5 s of a 50,000-row diagnostics
    load that now takes about 5 s)."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def parts(jobs: Iterable[tuple[str, list, dict]], batch_size: int, limit: float) -> Iterator[Part]:
    """``(cypher, rows, params)`` statements cut into batches of ``batch_size`` rows, grouped into parts of
    about ``limit`` rows (one transaction each)."""
    part: Part = []
    size = 0
    for cypher, rows, params in jobs:
        for i in range(0, len(rows), batch_size):
            chunk = Rows(rows[i:i + batch_size])
            part.append((cypher, chunk, params))
            size += len(chunk)
            if size >= limit:
                yield part
                part, size = [], 0
    if part:
        yield part


def _write(tx, part: Part) -> None:
    for cypher, rows, params in part:
        tx.run(cypher, rows=rows, **params).consume()


def side_by_side(store, writer, todo: Iterator[Part], tick: Callable[..., None], sessions: int = SESSIONS) -> None:
    """Write each part of ``todo`` in a transaction of its own, ``sessions`` at a time; ``writer.commits``
    counts those committed (what a failure leaves to recover) and ``tick(n, False)`` the rows written.
    The first error stops the parts not yet started and is raised once the others are done."""
    lock = threading.Lock()
    failed = threading.Event()

    def take() -> Part | None:
        with lock:  # the parts are built from a generator: one thread at a time
            return None if failed.is_set() else next(todo, None)

    def work() -> None:
        with store.session() as session:
            while (part := take()) is not None:
                try:
                    session.execute_write(_write, part)
                except BaseException:
                    failed.set()
                    raise
                with lock:
                    writer.commits += 1
                    tick(sum(len(rows) for _, rows, _ in part), False)
                for _, rows, _ in part:  # answered: see PlanWriter._run on why they are cleared
                    rows.clear()

    with ThreadPoolExecutor(sessions, thread_name_prefix="eitgraph-part") as pool:
        futures = [pool.submit(work) for _ in range(sessions)]
    for future in futures:
        future.result()
