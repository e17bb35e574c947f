"""``python -m graph``: the command line.

- :mod:`~graph.cli.main`: the parser, ``cypher``, ``counts``, saved ``queries`` / ``query``
  and ``workspace migrate``;
- :mod:`~graph.cli.analysis`: ``communities``, ``keyplayers``, ``path``, ``links``,
  ``shells``, ``export``;
- :mod:`~graph.cli.params`: ``--param name[:type]=value``.
"""

from graph.cli.main import main

__all__ = ["main"]
