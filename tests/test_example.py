"""The Pays Thur Doller example, loaded through its manifest into the real embedded store."""


import eitgraph


def test_thann_cernay_has_16_communes(example_kb):
    df = example_kb.query("communes", epci="200036465")
    assert len(df) == 16
    assert set(df["epci"]) == {"CC de Thann-Cernay"}
    assert {"Thann", "Cernay", "Vieux-Thann", "Wattwiller"} <= set(df["commune"])


def test_epci_by_name(example_kb):
    assert len(example_kb.query("communes", epci="CC de la Vallée de Saint-Amarin")) == 15


def test_pays_thur_doller_has_46_communes_in_3_cc(example_kb):
    df = example_kb.query("communes", territory="PETR-THUR-DOLLER")
    assert len(df) == 46
    assert df.groupby("epci_siren").size().to_dict() == {"200036465": 16, "246800205": 15, "246800676": 15}
    assert df["population"].sum() > 60000


def test_the_20_pilot_companies(example_kb):
    df = example_kb.query("organisations", tag="pilote EIT")
    assert len(df) == 20
    assert set(df["kind"]) == {"company"}
    assert "Du Pont de Nemours" in " ".join(df["name"])
    assert df["insee"].notna().all()


def test_partners_governance_and_referents(example_kb):
    names = set(example_kb.query("organisations")["name"])
    for partner in ("Maison de l'Emploi et de la Formation du Pays Thur Doller", "Communauté Emmaüs"):
        assert any(partner.lower() in n.lower() for n in names), partner
    ref = example_kb.cypher("MATCH (p:Person)-[:REFERENT_OF]->(b:Body) RETURN p.name AS person, b.name AS body "
                         "ORDER BY person")
    assert ("Alain Bohrer", "COPIL EIT") in set(map(tuple, ref.values))
    kinds = example_kb.query("organisations-by-kind")
    assert kinds.set_index("kind")["organisations"].sum() == len(names)


def test_perimeter_is_computed_from_the_commune(example_kb):
    df = example_kb.query("organisations").set_index("id")
    assert df.loc["du-pont-de-nemours-cernay", "perimeter"] == "territoire"
    outside = df[df["insee"].str.startswith("67", na=False) & df["perimeter"].notna()]
    assert set(outside["perimeter"]) <= {"périphérie", "extérieur"}
    assert (outside["perimeter"] != "territoire").all()


def test_stakeholder_matrix_classes(example_kb):
    df = example_kb.query("stakeholder-matrix", territory="PETR-THUR-DOLLER")
    classes = set(df["classe"])
    assert {"à contacter d'urgence", "lien à entretenir", "rester en veille"} <= classes
    urgent = df[df["classe"] == "à contacter d'urgence"]
    assert (urgent["potential"] >= 6).all() and urgent["relation"].isin(["aucune", "ponctuelle"]).all()
    strict = example_kb.query("stakeholder-matrix", territory="PETR-THUR-DOLLER", urgent_min=9)
    assert (strict["classe"] == "à contacter d'urgence").sum() < len(urgent)
    en = example_kb.query("stakeholder-matrix", territory="PETR-THUR-DOLLER", lang="en")
    assert "contact urgently" in set(en["classe"])


def test_reloading_the_example_changes_nothing(example_kb):
    before = example_kb.status()
    reports = example_kb.load_manifest(eitgraph.example_manifest())
    assert all(r.unchanged for r in reports)
    after = example_kb.status()
    assert before["nodes"] == after["nodes"] and before["relationships"] == after["relationships"]


def test_example_diagnostics_close_loops(example_kb):
    loops = example_kb.query("circular-loops")
    assert len(loops) >= 3
    assert (loops["length"] == 2).any() and (loops["length"] >= 3).any()
    assert {"existing", "potential"} <= {s for row in loops["statuses"] for s in row}
    assert len(loops["members"].map(tuple).unique()) == len(loops)
    assert sorted(map(tuple, loops["members"])) == sorted(
        map(tuple, example_kb.query("circular-loops", engine="cypher")["members"]))


def test_example_shared_collectors_and_mutualisation(example_kb):
    shared = example_kb.query("shared-suppliers", min_organisations=3, status="existing")
    collectors = shared[shared["role"] == "collector"]
    assert (collectors.groupby("category")["organisations"].max() >= 3).sum() >= 2
    mutual = example_kb.query("mutualisation-candidates", territory="PETR-THUR-DOLLER", direction="out")
    assert (mutual["organisations"] >= 4).sum() >= 3
    assert (mutual["max_distance_km"].dropna() < 30).all()


def test_example_substitution_and_landfill(example_kb):
    subs = example_kb.query("substitution-candidates", radius_km=30)
    assert {"same code", "compatible"} <= set(subs["match"])
    assert (subs["distance_km"] <= 30).all()
    out = example_kb.query("flows-by-category", direction="out")
    assert out[out["treatment"].isin(["landfill", "incineration"])]["flows"].sum() >= 10


def test_example_synergy_leads(example_kb):
    df = example_kb.cypher("MATCH (s:Synergy) RETURN s.theme AS theme, s.status AS status, s.type AS type")
    assert len(df) == 27
    assert df["theme"].nunique() >= 7
    assert set(df["status"]) <= {"idea", "study", "implemented", "abandoned"}


def test_example_plans_share_actions_and_consolidate_budgets(example_kb):
    overlaps = example_kb.query("plan-action-overlaps")
    assert len(overlaps) > 0
    shared = example_kb.cypher("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) WITH a, count(p) AS plans WHERE plans > 1 "
                            "RETURN a.id AS id, plans")
    assert len(shared) >= 2
    budgets = example_kb.query("consolidated-budgets")
    assert (budgets["double_counting_avoided"] >= 0).all() and budgets["double_counting_avoided"].max() > 0


def test_example_plans_read_as_tet_reads_them(example_kb):
    """Titles and axis names kept whole, as Territoires en Transitions stores them; the EIT plan's wood
    working group is a sous-action of its action 1.1, whose budget already counts it."""
    sub = example_kb.cypher("MATCH (s:Action)-[:SUB_ACTION_OF]->(a:Action)-[:UNDER]->(x:Axis) "
                            "RETURN s.title AS sub, a.title AS parent, x.name AS axis").to_dict("records")
    assert sub == [{"sub": "Animer le groupe de travail bois",
                    "parent": "Action 1.1 - Animer les groupes de travail et mettre en œuvre les synergies",
                    "axis": "Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et "
                            "animation"}]
    budgets = example_kb.query("consolidated-budgets", by="plan").set_index("key")
    assert budgets.loc["eit-thur-doller", "budget"] == 308000 and budgets.loc["eit-thur-doller", "actions"] == 8
