"""Network analysis on projections of the graph.

- :mod:`~graph.analysis.projection`: the part of the graph an analysis looks at, as
  compact canonical arrays (streamed from the store; built in memory for tests);
- :mod:`~graph.analysis.communities` (rings), :mod:`~graph.analysis.summaries` (what each
  ring holds), :mod:`~graph.analysis.keyplayers` (who holds it together),
  :mod:`~graph.analysis.paths` (chains between two entities, around hubs),
  :mod:`~graph.analysis.links` (entities sharing identifiers),
  :mod:`~graph.analysis.shells` (shell-company indicators);
- :mod:`~graph.analysis.seeding`: reproducible runs of the compiled libraries;
- :mod:`~graph.analysis.gds`: communities, key players and paths run inside a Neo4j
  server that has Graph Data Science (the same scope, results and records), and the
  dispatch that picks the server or this process.
"""
