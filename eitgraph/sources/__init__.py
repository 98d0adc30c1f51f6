"""Transforms of the source kinds declared in ``loaders/``: typed records → :class:`GraphBatch`.

Each transform is pure apart from read-only lookups through its context.
"""
