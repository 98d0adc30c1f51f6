"""The load wing: a file of a source kind → the graph, one module per stage.

``tables`` reads CSV and Excel files into text cells (``sources/rdf_triples`` reads RDF files);
``spec`` is the declarative part of a kind (``loaders/<kind>.yaml``: columns, typed options, what it
writes) and ``registry`` names the functions that read and transform each kind; ``records`` types the
cells; a transform of ``sources/`` turns records into a ``graphbatch``; ``loading`` validates the whole
batch and writes it in one transaction through the ``querybuilder``. ``blank_workbooks`` writes empty
workbooks with a kind's headers for people to fill.
"""
