"""``python -m eitgraph.cli``: the ``eitgraph`` command."""

from . import main

main()
