"""Ingest: investigation data into the graph, validated, idempotent and reversible.

``loader`` (neo4j-admin CSV and mapped tables), ``admin_csv`` and ``mapping`` (the two
input conventions), ``normalize`` (cleaning identifiers), ``resolve`` and ``merge``
(duplicates and reversible merges), ``demo`` (the synthetic counterfeit network).
"""
