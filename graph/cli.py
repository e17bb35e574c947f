"""``python -m graph``: the command line on the configured store.

    python -m graph cypher "MATCH (n) RETURN count(n) AS n" [--param name=value ...]
                           [--format table|csv|json] [--timeout S] [--limit N]
    python -m graph counts [--format table|csv|json]
    python -m graph communities | keyplayers | path | links | shells   (graph/analysis_cli.py)

Exit status: 0 on success, 1 when the store fails the query, 2 for a refused query or
bad arguments. Messages go to standard error and never carry credentials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from graph.analysis_cli import add_commands
from graph.config import Settings, open_store
from graph.guard import QueryRefused
from graph.model import ModelError
from graph.output import FORMATS, render
from graph.params import ParameterError, parse_params
from graph.store import GraphStore, NodeNotFound, QueryError

__all__ = ["main"]


def _cypher(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    frame = store.query(args.query, parse_params(args.param), timeout=args.timeout, row_limit=args.limit)
    if frame.attrs.get("truncated"):
        print(f"note: only the first {args.limit} rows are shown (--limit)", file=sys.stderr)
    return frame


def _counts(store: GraphStore, _args: argparse.Namespace) -> pd.DataFrame:
    counts = store.counts()
    rows = [{"kind": "label", "name": k, "count": v} for k, v in counts.labels.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in counts.types.items()]
    rows += [
        {"kind": "total", "name": "nodes", "count": counts.nodes},
        {"kind": "total", "name": "relationships", "count": counts.relationships},
    ]
    return pd.DataFrame(rows, columns=["kind", "name", "count"])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m graph", description="The IP-crime knowledge graph.")
    commands = parser.add_subparsers(dest="command", required=True)
    cypher = commands.add_parser("cypher", help="run a read-only Cypher query")
    cypher.add_argument("query", help="the Cypher text; values go in $parameters")
    cypher.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME[:TYPE]=VALUE",
        help="a parameter; TYPE is string (default), int, float, boolean, date, datetime, list, json",
    )
    cypher.add_argument("--timeout", type=float, default=60.0, help="seconds before the query is stopped")
    cypher.add_argument("--limit", type=int, default=None, help="show at most this many rows")
    cypher.set_defaults(run=_cypher)
    counts = commands.add_parser("counts", help="nodes per label and relationships per type")
    counts.set_defaults(run=_counts)
    for sub in (cypher, counts, *add_commands(commands)):
        sub.add_argument("--format", choices=FORMATS, default="table")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run: Callable[[GraphStore, argparse.Namespace], pd.DataFrame] = args.run
    try:
        with open_store(Settings.from_env()) as store:
            frame = run(store, args)
    except (QueryRefused, ParameterError, ModelError, ValueError, NodeNotFound) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except QueryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(render(frame, args.format))
    return 0
