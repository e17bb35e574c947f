"""Ingest: investigation data into the graph, validated, idempotent and reversible.

``loader`` (neo4j-admin CSV and mapped tables), ``admin_csv`` and ``mapping`` (the two
input conventions; ``templates``: a value from several columns; ``check``: a mapping's
preview, written nowhere), ``normalize`` (cleaning identifiers), ``resolve`` and ``merge``
(duplicates and reversible merges), ``demo`` (the synthetic counterfeit network).
"""
