"""Transforms of the source kinds declared in ``loaders/`` (named in :mod:`eitgraph.load.registry`):
typed records → :class:`~eitgraph.load.graphbatch.GraphBatch`.

Each transform is pure apart from read-only lookups through its context.
"""
