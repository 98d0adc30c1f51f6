"""Attendance lists → Workshop nodes, INVITED and ATTENDED links (organisations and persons)."""

from __future__ import annotations

from ...values import slug
from ..graphbatch import GraphBatch
from ..records import Record

SATISFACTION = (1.0, 5.0)


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    # (organisation, workshop) → first row, persons present, their scores
    attendance: dict[tuple[str, str], dict] = {}
    for rec in records:
        workshop, org_text = rec.get("workshop"), rec.get("organisation")
        if not workshop or not org_text:
            continue
        org = batch.ref("Organisation", org_text, rec.loc("organisation"))
        score = rec.get("satisfaction")
        if score is not None and not SATISFACTION[0] <= score <= SATISFACTION[1]:
            problems.add(f"satisfaction {score:g} is outside 1–5", rec.loc("satisfaction"))
            score = None
        present = rec.get("present") is not False
        if score is not None and not present:
            problems.add("a satisfaction score for someone marked absent", rec.loc("satisfaction"))
        wid = slug(workshop)
        batch.node("Workshop", wid, {"title": rec.get("title") or workshop, "date": rec.get("date"),
                                     "kind": rec.get("kind") or "workshop", "theme": rec.get("theme")},
                   location=rec.loc("workshop"))
        entry = attendance.setdefault((org, wid), {"rec": rec, "present": 0, "scores": []})
        if present:
            entry["present"] += 1
            if score is not None:
                entry["scores"].append(score)
        person = rec.get("person")
        if person and present:
            batch.node("Person", slug(person), {"name": person}, location=rec.loc("person"))
            batch.rel("ATTENDED", "Person", slug(person), "Workshop", wid, {"satisfaction": score},
                      rec.loc("person"))
    for (org, wid), entry in attendance.items():
        rec = entry["rec"]
        batch.rel("INVITED", "Organisation", org, "Workshop", wid, location=rec.loc("organisation"))
        if entry["present"]:
            scores = entry["scores"]
            batch.rel("ATTENDED", "Organisation", org, "Workshop", wid,
                      {"participants": entry["present"],
                       "satisfaction": round(sum(scores) / len(scores), 2) if scores else None},
                      rec.loc("organisation"))
    return batch
