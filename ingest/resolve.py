"""``python -m ingest resolve``: propose likely duplicates and queue them for review.

Resolution itself lives in :mod:`ingest.resolution` (Splink's probabilistic record
linkage over the comparisons each label declares); this is its command line. The
proposals go to the workspace's review queue (``python -m ingest review``, or the app's
Review page), where the investigator accepts, rejects or marks each pair unsure;
``--apply`` accepts every proposal at once (each merge is recorded and can be undone).

    python -m ingest resolve [--threshold 0.9] [--labels Company,Supplier] [--format table|csv|json] [--apply]
"""

from __future__ import annotations

import argparse

import pandas as pd

from graph.progress import ConsoleProgress
from graph.store import GraphStore, open_store, open_workspace
from graph.views.tables import FORMATS, format_frame
from graph.workspace import Workspace
from ingest.resolution.engine import DEFAULT_THRESHOLD, Proposal
from ingest.resolution.judgements import decide
from ingest.resolution.propose import propose

__all__ = ["main", "proposals_frame"]


def proposals_frame(proposals: list[Proposal]) -> pd.DataFrame:
    """The proposals as a table for the command line."""
    return pd.DataFrame(
        [
            {
                "pair": p.id,
                "a": p.a,
                "b": p.b,
                "a_name": p.a_name,
                "b_name": p.b_name,
                "label": p.label,
                "score": p.score,
                "reasons": "; ".join(p.reasons),
            }
            for p in proposals
        ],
        columns=["pair", "a", "b", "a_name", "b_name", "label", "score", "reasons"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest resolve", description="Propose likely duplicates.")
    parser.add_argument(
        "--threshold", type=float, default=DEFAULT_THRESHOLD, help="lowest probability of one entity to propose (0-1)"
    )
    parser.add_argument("--labels", help="comma-separated labels to compare (default: the model's resolvable ones)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--apply", action="store_true", help="accept (merge, reversibly) every proposed pair")
    args = parser.parse_args(argv)
    if not 0 <= args.threshold <= 1:
        parser.error(f"--threshold {args.threshold} is not between 0 and 1")
    workspace = open_workspace()
    with open_store() as store, ConsoleProgress() as progress:
        labels = [label.strip() for label in args.labels.split(",") if label.strip()] if args.labels else None
        for label in labels or ():
            store.model.label(label)
        proposals = propose(store, workspace, labels=labels, threshold=args.threshold, progress=progress)
        frame = proposals_frame(proposals)
        if args.apply:
            frame["merge"] = [
                _accept(store, workspace, p) for p in progress.track(proposals, "merging accepted pairs", every=1)
            ]
    print(format_frame(frame, args.format))
    return 0


def _accept(store: GraphStore, workspace: Workspace, proposal: Proposal) -> str:
    """Accept one pair: its nodes are followed into any earlier merge (the judgements do
    that); a pair whose node has left the graph is passed over."""
    try:
        return decide(store, workspace, proposal.id, "accept").get("merge") or ""
    except LookupError:
        return ""
