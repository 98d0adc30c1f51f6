"""The catalogue queries answered in Python, by name: heavy questions computed on an extracted subgraph.
Each one's ``.cypher`` file says ``engine: python`` and keeps its Cypher as the reference the tests
compare the two with (a test checks that this registry and the catalogue agree).

Every function takes the read side first (:class:`~eitgraph.graphread.GraphRead`, or a knowledge base),
then the query's parameters, and returns a DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .circular import circular_loops
from .flows import mutualisation_candidates
from .network import hub_organisations
from .plans import consolidated_budgets, plan_action_overlaps, plan_vs_flows, referentiel_coverage
from .substitution import substitution_candidates

PYTHON_QUERIES: dict[str, Callable[..., pd.DataFrame]] = {
    "circular-loops": circular_loops,
    "consolidated-budgets": consolidated_budgets,
    "hub-organisations": hub_organisations,
    "mutualisation-candidates": mutualisation_candidates,
    "plan-action-overlaps": plan_action_overlaps,
    "plan-vs-flows": plan_vs_flows,
    "referentiel-coverage": referentiel_coverage,
    "substitution-candidates": substitution_candidates,
}
