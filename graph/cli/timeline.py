"""``python -m graph timeline``: the events of a view in date order, with their sources.

    python -m graph timeline --center ID [--hops N] [--format table|csv|json]

The view is the one Explore draws around ``ID`` (:func:`graph.views.timeline.timeline_events`);
its undated nodes come last with an empty date, and standard error says how many.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from graph.cli.params import hops
from graph.store import GraphStore
from graph.views.timeline import timeline_events

__all__ = ["add_command"]


def _timeline(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    frame = timeline_events(store, args.center, hops=args.hops)
    nodes, undated, more = frame.attrs["nodes"], frame.attrs["undated"], frame.attrs["more"]
    notes = [f"undated nodes: {undated:,} of the view's {nodes:,} (listed last, date empty)"] if undated else []
    notes += [f"{more:,} neighbours are not in the view (as in Explore, each node shows its first 25)"] if more else []
    notes += [f"the view stops at {nodes:,} nodes, as Explore's does"] if frame.attrs["truncated"] else []
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return frame


def add_command(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``timeline`` to ``python -m graph``; returns its parser (``main`` adds ``--format``)."""
    parser = commands.add_parser("timeline", help="the events of the view around an entity, in date order")
    parser.add_argument("--center", required=True, metavar="ID", help="the entity the view is drawn around")
    parser.add_argument("--hops", type=hops, default=1, help="how far out the view goes (default 1)")
    parser.set_defaults(run=_timeline)
    return parser
