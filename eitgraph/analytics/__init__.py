"""Analytics computed in Python on subgraphs extracted from the store (no database access here)."""
