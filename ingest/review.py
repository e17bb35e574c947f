"""``python -m ingest review``: the queue of proposed duplicates, decided from the command line.

    python -m ingest review list [--label L] [--format table|csv|json]
    python -m ingest review accept|reject|unsure PAIR_ID [PAIR_ID ...]
    python -m ingest review undo PAIR_ID
    python -m ingest review export FILE      # .csv, else JSON Lines
    python -m ingest review import FILE      # on a fresh load of the same files

``list`` prints the pairs nobody has decided, best score first, and on stderr how many
are pending, accepted, rejected and unsure. Its ``--format json`` is an array with one
object per pair, whose fields stay as they are for scripts:

* ``id``: the pair's id, ``LABEL:a|b`` (what the other subcommands take)
* ``label``: the label both nodes have
* ``a``, ``b``: the two node keys (``a < b``); accepting merges ``b`` into ``a``
* ``a_name``, ``b_name``: their display names when proposed (text as scraped)
* ``score``: from 0 to 1
* ``reasons``: a list of sentences saying why the two look like one entity
* ``run``: the resolution run that proposed the pair

Accepting merges the two nodes reversibly; rejecting keeps the pair from ever being
proposed again; a second decision on a pair replaces the first, and ``undo`` takes it
back (an accept's merge is undone) and returns the pair to the queue. Every id given is
checked before any is decided; an unknown one is named (exit status 2). Quote ids in a
shell: their ``|`` is its pipe (``review reject 'Company:CO-1|CO-7'``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from graph.progress import ConsoleProgress
from graph.store import open_store, open_workspace
from graph.views.tables import FORMATS, format_frame
from graph.workspace import Workspace
from ingest.resolution.judgements import (
    DECISIONS,
    decide,
    export_judgements,
    find_pair,
    pending,
    reapply,
    tally,
    undo,
)

__all__ = ["main", "COLUMNS"]

#: The fields ``list`` prints, in order (see the module's docstring).
COLUMNS = ("id", "label", "a", "b", "a_name", "b_name", "score", "reasons", "run")
#: How a decision reads after it is made.
DONE = {"accept": "accepted", "reject": "rejected", "unsure": "marked unsure"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest review", description="Decide on the likely duplicates resolution proposed."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the pairs nobody has decided, best score first")
    listing.add_argument("--label", help="only pairs of this label")
    listing.add_argument("--format", choices=FORMATS, default="table")
    for decision in DECISIONS:
        deciding = commands.add_parser(decision, help=f"{decision} pairs (their ids, as list prints them)")
        deciding.add_argument("pairs", nargs="+", metavar="PAIR_ID")
    commands.add_parser("undo", help="take back the decision on a pair").add_argument("pair", metavar="PAIR_ID")
    commands.add_parser("export", help="write every decision to a file (.csv, else JSON Lines)").add_argument("file")
    commands.add_parser("import", help="record a file's decisions, merging accepted pairs again").add_argument("file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    workspace = open_workspace()
    if args.command == "list":
        _list(workspace, args.label, args.format)
    elif args.command == "export":
        print(f"{export_judgements(workspace, args.file)} decisions written to {args.file}")
    elif args.command in DECISIONS:
        pairs = [find_pair(workspace, pair)["id"] for pair in args.pairs]  # all known before any is decided
        with open_store() as store:
            for pair in pairs:
                print(_decided(decide(store, workspace, pair, args.command)))
    elif args.command == "undo":
        with open_store() as store:
            taken_back = undo(store, workspace, args.pair)
        print(f"{args.pair}: {DONE[taken_back['decision']]} no more; back in the queue")
    else:
        with open_store() as store, ConsoleProgress() as progress:
            print(reapply(store, workspace, args.file, progress=progress).summary())
    return 0


def _list(workspace: Workspace, label: str | None, fmt: str) -> None:
    rows = pending(workspace, label=label)
    frame = pd.DataFrame([{column: row[column] for column in COLUMNS} for row in rows], columns=list(COLUMNS))
    if fmt != "json":
        frame["reasons"] = [("; ".join(reasons) if reasons else "") for reasons in frame["reasons"]]
    print(format_frame(frame, fmt))
    counts = tally(workspace)
    print(
        f"{counts['pending']} pending, {counts['accept']} accepted, {counts['reject']} rejected, "
        f"{counts['unsure']} unsure",
        file=sys.stderr,
    )


def _decided(row: dict[str, Any]) -> str:
    """One line saying what a decision did (and how to undo a merge)."""
    said = f"{row['id']}: {DONE[row['decision']]}"
    if row["merge"]:
        said += f" (merged as {row['merge']}; `python -m ingest review undo {row['id']}` takes it back)"
    elif row["decision"] == "accept":
        said += " (the two are one node already)"
    return said
