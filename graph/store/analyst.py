"""The analysts' door: Cypher text typed by a person, run read-only, bounded and checked.

Only analysts' text comes through here (the command line's ``cypher`` and saved
queries); the tool's own statements use :meth:`graph.store.engine.Engine.read`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from graph.store.engine import Engine, UserQuery
from graph.store.guard import QueryRefused, check_read_only, parameters

__all__ = ["AnalystQueries"]


class AnalystQueries(Engine):
    """:meth:`query`, behind the read-only guard."""

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Run read-only Cypher with parameters and return the rows as a DataFrame.

        Writes, ``LOAD CSV``, administration and unknown procedures are refused before
        the store sees the query (:class:`graph.store.guard.QueryRefused`); so are missing
        and unused parameters. ``df.attrs["truncated"]`` says whether ``row_limit`` cut
        rows. Nodes, relationships and paths come back as dicts with their key, labels or
        type, and properties.
        """
        params = dict(params or {})
        check_read_only(cypher)
        needed = parameters(cypher)
        missing = sorted(needed - set(params))
        if missing:
            raise QueryRefused(f"missing parameter ${missing[0]}: pass it with --param {missing[0]}=VALUE")
        unused = sorted(set(params) - needed)
        if unused:
            raise QueryRefused(f"parameter ${unused[0]} is not used by the query")
        answer = self._run_user_query(UserQuery(cypher, params, timeout, row_limit, dict(metadata or {})))
        frame = pd.DataFrame(answer.rows, columns=answer.columns, dtype=object)
        frame.attrs["truncated"] = answer.truncated
        frame.attrs["notes"] = answer.notes
        return frame
