"""``python -m graph``: the command line on the configured store.

    python -m graph cypher "MATCH (n) RETURN count(n) AS n" [--param name=value ...]
                           [--format table|csv|json] [--timeout S] [--limit N]
    python -m graph counts [--format table|csv|json]
    python -m graph communities | keyplayers | path | links | shells   (graph/cli/analysis.py)
    python -m graph queries [--format table|csv|json]
    python -m graph query NAME [--param name=value ...] [--format table|csv|json] [--timeout S] [--limit N]
    python -m graph query --save NAME --cypher TEXT [--title T] [--description D]
    python -m graph workspace migrate     (move IngestRun/AnalysisRun/Judgement nodes out of the graph)
    python -m graph reader [status|start|stop]   (graph/cli/reader.py)
    python -m graph timeline --center ID [--hops N]   (graph/cli/timeline.py)

Exit status: 0 on success, 1 when the store fails the query, 2 for a refused query or
bad arguments. Messages go to standard error and never carry credentials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from graph.cli.analysis import add_commands
from graph.cli.errors import reported
from graph.cli.params import parse_params, row_limit, seconds
from graph.cli.reader import add_command as add_reader_command
from graph.cli.timeline import add_command as add_timeline_command
from graph.library import LibraryError, load_library, save_query
from graph.runner import DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT, audited_query, run_saved
from graph.store import GraphStore, open_store, open_workspace
from graph.views.tables import FORMATS, format_frame
from graph.workspace import LEGACY_RECORD_LABELS, migrate_legacy_records

__all__ = ["main"]


def _cypher(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    params = parse_params(args.param)
    frame = audited_query(store, "ad-hoc", args.query, params, timeout=args.timeout, row_limit=args.limit)
    if frame.attrs.get("truncated"):
        print(f"note: only the first {args.limit} rows are shown (--limit)", file=sys.stderr)
    for note in frame.attrs.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    return frame


def _queries(_store: GraphStore | None, _args: argparse.Namespace) -> pd.DataFrame:
    library = load_library()
    return pd.DataFrame(
        [
            {
                "name": q.name,
                "title": q.title,
                "parameters": "; ".join(p.describe() for p in q.params),
                "tags": ", ".join(q.tags),
                "source": "shipped" if q.shipped else str(q.path),
            }
            for q in library.values()
        ],
        columns=["name", "title", "parameters", "tags", "source"],
    )


def _query(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    library = load_library()
    if args.name not in library:
        raise LibraryError(f"no saved query named {args.name!r}; see python -m graph queries")
    given = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise LibraryError(f"--param {item!r}: expected NAME=VALUE")
        given[name.strip()] = value
    run = run_saved(store, library[args.name], given, timeout=args.timeout, row_limit=args.limit)
    for note in run.notes:
        print(f"note: {note}", file=sys.stderr)
    return run.frame


def _counts(store: GraphStore, _args: argparse.Namespace) -> pd.DataFrame:
    counts = store.counts()
    rows = [{"kind": "label", "name": k, "count": v} for k, v in counts.labels.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in counts.types.items()]
    rows += [
        {"kind": "total", "name": "nodes", "count": counts.nodes},
        {"kind": "total", "name": "relationships", "count": counts.relationships},
    ]
    return pd.DataFrame(rows, columns=["kind", "name", "count"])


def _migrate(store: GraphStore, _args: argparse.Namespace) -> pd.DataFrame:
    workspace = open_workspace()
    moved = migrate_legacy_records(store, workspace)
    print(f"workspace: {workspace.path}", file=sys.stderr)
    return pd.DataFrame(
        [{"label": label, "moved": moved.get(label, 0), "to": table} for label, table in LEGACY_RECORD_LABELS.items()],
        columns=["label", "moved", "to"],
    )


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
    cypher.add_argument("--timeout", type=seconds, default=60.0, help="seconds before the query is stopped")
    cypher.add_argument("--limit", type=row_limit, default=None, help="show at most this many rows")
    cypher.set_defaults(run=_cypher)
    counts = commands.add_parser("counts", help="nodes per label and relationships per type")
    counts.set_defaults(run=_counts)
    listing = commands.add_parser("queries", help="list the saved queries and their parameters")
    listing.set_defaults(run=_queries, offline=True)
    saved = commands.add_parser("query", help="run a saved query, or save one (--save)")
    saved.add_argument("name", nargs="?", help="the saved query's name")
    saved.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value")
    saved.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, help="seconds before the query is stopped")
    saved.add_argument("--limit", type=row_limit, default=DEFAULT_ROW_LIMIT, help="row cap (default %(default)s)")
    saved.add_argument("--save", metavar="NAME", help="save --cypher into your query folder under NAME")
    saved.add_argument("--cypher", help="with --save: the query text")
    saved.add_argument("--title", default="", help="with --save: a title")
    saved.add_argument("--description", default="", help="with --save: what it answers")
    saved.set_defaults(run=_query)
    workspace = commands.add_parser("workspace", help="the tool's own records, kept apart from the graph")
    workspace_commands = workspace.add_subparsers(dest="action", required=True)
    migrate = workspace_commands.add_parser(
        "migrate", help="move load, analysis and merge records an earlier version kept in the graph to the workspace"
    )
    migrate.set_defaults(run=_migrate)
    for sub in (
        cypher,
        counts,
        listing,
        saved,
        migrate,
        add_reader_command(commands),
        add_timeline_command(commands),
        *add_commands(commands),
    ):
        sub.add_argument("--format", choices=FORMATS, default="table")
    return parser


def _save(args: argparse.Namespace) -> pd.DataFrame:
    if not args.cypher:
        raise LibraryError("--save needs --cypher with the query text")
    saved = save_query(args.save, args.cypher, title=args.title, description=args.description)
    return pd.DataFrame([{"saved": saved.name, "path": str(saved.path)}])


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return reported(lambda: _command(args))


def _command(args: argparse.Namespace) -> int:
    run: Callable[[GraphStore | None, argparse.Namespace], pd.DataFrame] = args.run
    if getattr(args, "save", None):
        frame = _save(args)
    elif getattr(args, "offline", False):
        frame = run(None, args)
    else:
        if run is _query and not args.name:
            raise LibraryError("name a saved query (python -m graph queries lists them) or use --save")
        with open_store(reader=True) as store:
            frame = run(store, args)
    print(format_frame(frame, args.format))
    return 0
