#!/usr/bin/env python3
"""Build reference/communes.csv, reference/codes-postaux.csv and reference/departements.csv
from the unpacked npm packages ``@etalab/decoupage-administratif`` and ``codes-postaux``.

The packages are NOT part of the repository. Fetch and unpack them anywhere, e.g.::

    mkdir -p /tmp/refpkgs && cd /tmp/refpkgs
    npm pack @etalab/decoupage-administratif@6.0.0 codes-postaux@4.1.2
    mkdir da cp
    tar xzf etalab-decoupage-administratif-6.0.0.tgz -C da
    tar xzf codes-postaux-4.1.2.tgz -C cp
    python scripts/build-reference.py --decoupage /tmp/refpkgs/da/package \
        --codes-postaux /tmp/refpkgs/cp/package --out reference

Outputs (UTF-8, comma, LF, header, sorted, no index column):

communes.csv
    code_insee, type, nom, code_parent, departement, region, zone, siren, epci_siren, population
    ``type`` is ``commune`` (commune actuelle), ``deleguee`` (commune déléguée), ``associee``
    (commune associée) or ``arrondissement`` (arrondissement municipal of Paris, Lyon, Marseille).
    ``code_parent`` is the commune nouvelle / commune of rattachement (``chefLieu``) for
    déléguées and associées, the city (75056, 69123, 13055) for arrondissements, empty for
    communes. A commune déléguée may carry the same code as its commune nouvelle (the former
    chef-lieu, e.g. Masevaux 68201 inside Masevaux-Niederbruck 68201): the key is
    (code_insee, type). ``siren`` is the commune's own SIREN (communes only), ``epci_siren`` the
    EPCI à fiscalité propre it belongs to (inherited from the parent for the other types),
    ``population`` the municipal population when the package gives one.

codes-postaux.csv
    code_postal, code_commune, nom_commune, libelle_acheminement, source
    One row per (postal code, commune or arrondissement). Paris, Lyon and Marseille are listed
    by arrondissement only (75001 -> 75101; communes.csv gives 75101 -> 75056).
    ``source = laposte``: the pair is in the commune's ``codesPostaux`` of
    @etalab/decoupage-administratif (La Poste base, Licence Ouverte); the libellé
    d'acheminement comes from codes-postaux when it has the pair, otherwise it is derived
    from the name (upper case, no accents, apostrophes as spaces).
    ``source = dgfip``: the pair is only in the codes-postaux package (built from the COG and
    the DGFiP FIMOCT file, which is no longer produced since 2023): kept because officers'
    lists carry such codes, but less authoritative. When that package names a former commune
    (now déléguée / associée / merged), the pair is attached to the current commune.

departements.csv
    code, nom, region, cheflieu, zone
"""
from __future__ import annotations

import argparse
import csv
import json
import unicodedata
from collections import defaultdict
from pathlib import Path

TYPES = {
    "commune-actuelle": "commune",
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
    "arrondissement-municipal": "arrondissement",
}
TYPE_ORDER = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 3}


def _load(path: Path):
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def derived_libelle(nom: str) -> str:
    text = unicodedata.normalize("NFD", nom)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.upper().replace("'", " ").replace("’", " ").replace("Œ", "OE").replace("Æ", "AE")


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def build(decoupage: Path, codes_postaux: Path | None, out: Path) -> dict:
    communes = _load(decoupage / "data" / "communes.json")
    epcis = _load(decoupage / "data" / "epci.json")
    departements = _load(decoupage / "data" / "departements.json")

    epci_of: dict[str, str] = {}
    for epci in epcis:
        for m in epci["membres"]:
            epci_of[m["code"]] = epci["code"]

    rows = []
    current: dict[str, dict] = {}          # code -> commune actuelle or arrondissement
    parent_of_old: dict[str, str] = {}     # déléguée/associée/ancien code -> current commune
    for c in communes:
        typ = TYPES[c["type"]]
        parent = c.get("chefLieu") or c.get("commune") or ""
        epci = epci_of.get(c["code"] if typ == "commune" else parent, "")
        rows.append([
            c["code"], typ, c["nom"], parent, c["departement"], c["region"], c.get("zone", ""),
            c.get("siren", "") if typ == "commune" else "", epci,
            c.get("population", ""),
        ])
        if typ in ("commune", "arrondissement"):
            current[c["code"]] = c
        else:
            parent_of_old.setdefault(c["code"], parent)
        for old in c.get("anciensCodes", []):
            parent_of_old.setdefault(old, c["code"])
    rows.sort(key=lambda r: (r[0], TYPE_ORDER[r[1]], r[2]))
    write_csv(out / "communes.csv",
              ["code_insee", "type", "nom", "code_parent", "departement", "region", "zone",
               "siren", "epci_siren", "population"], rows)

    # -- postal codes --------------------------------------------------------------------
    split_cities = {c.get("commune") for c in communes if c["type"] == "arrondissement-municipal"}
    libelle: dict[tuple[str, str], str] = {}
    extra: list[dict] = []
    if codes_postaux is not None:
        for e in _load(codes_postaux / "codes-postaux.json"):
            libelle.setdefault((e["codePostal"], e["codeCommune"]), e["libelleAcheminement"])
            extra.append(e)
    pairs: dict[tuple[str, str], list] = {}
    for c in communes:
        if c["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        if c["code"] in split_cities:
            continue  # Paris, Lyon, Marseille: by arrondissement
        for cp in c.get("codesPostaux", []):
            lib = libelle.get((cp, c["code"])) or derived_libelle(c["nom"])
            pairs[(cp, c["code"])] = [cp, c["code"], c["nom"], lib, "laposte"]
    n_laposte = len(pairs)
    for e in extra:
        cp, code = e["codePostal"], e["codeCommune"]
        if code in split_cities:
            continue
        if code in current and code not in parent_of_old:
            key = (cp, code)
            if key not in pairs:
                pairs[key] = [cp, code, current[code]["nom"], e["libelleAcheminement"], "dgfip"]
            continue
        parent = code if code in current else parent_of_old.get(code)
        # follow chains (an old code merged into a commune later merged again)
        seen = set()
        while parent and parent not in current and parent in parent_of_old and parent not in seen:
            seen.add(parent)
            parent = parent_of_old[parent]
        if not parent or parent not in current:
            continue
        key = (cp, parent)
        if key in pairs:
            continue
        pairs[key] = [cp, parent, current[parent]["nom"], e["libelleAcheminement"], "dgfip"]
    cp_rows = sorted(pairs.values(), key=lambda r: (r[0], r[1]))
    write_csv(out / "codes-postaux.csv",
              ["code_postal", "code_commune", "nom_commune", "libelle_acheminement",
               "source"], cp_rows)

    dep_rows = sorted([[d["code"], d["nom"], d["region"], d.get("chefLieu", ""), d.get("zone", "")]
                       for d in departements])
    write_csv(out / "departements.csv", ["code", "nom", "region", "cheflieu", "zone"], dep_rows)

    by_type = defaultdict(int)
    for r in rows:
        by_type[r[1]] += 1
    return {"communes": dict(by_type), "codes_postaux": len(cp_rows),
            "codes_postaux_laposte": n_laposte, "departements": len(dep_rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--decoupage", type=Path, required=True,
                    help="unpacked @etalab/decoupage-administratif package folder")
    ap.add_argument("--codes-postaux", type=Path, default=None,
                    help="unpacked codes-postaux package folder (libellés d'acheminement)")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "reference")
    args = ap.parse_args()
    print(json.dumps(build(args.decoupage, args.codes_postaux, args.out), indent=2))


if __name__ == "__main__":
    main()
