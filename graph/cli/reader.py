"""``python -m graph reader status|start|stop``: the process that keeps a large embedded
graph open between commands (:mod:`graph.store.reader`).

A load and the app start it; it leaves after ``KG_READER_IDLE`` seconds without a call.
``stop`` hands its memory back now; ``start`` opens the file before the first command
needs it (after a restart of the machine, say)."""

from __future__ import annotations

import argparse
import os

import pandas as pd

from graph.store import GraphStore, Settings
from graph.store.reader import IDLE, reader_status, serving_reader, stop_reader

__all__ = ["add_command"]

COLUMNS = ["graph", "reader", "pid", "memory_mb", "leaves_after_idle_s"]


def _reader(_store: GraphStore | None, args: argparse.Namespace) -> pd.DataFrame:
    settings = Settings.from_env()
    if settings.uses_neo4j:
        raise ValueError("the Neo4j store has no reader process: its server keeps the graph open")
    graph = settings.graph_db
    if args.action == "stop":
        stop_reader(graph)
    elif args.action == "start":
        if not graph.exists():
            raise ValueError(f"there is no graph at {graph} (GRAPH_DB) to open: load one with python -m ingest")
        if serving_reader(graph) is None:
            raise OSError(f"the reader of {graph} did not open it; its log is beside its socket in the temp folder")
    status = reader_status(graph) or {"state": "none", "pid": None, "memory_mb": None}
    idle = round(float(os.environ.get("KG_READER_IDLE", IDLE)))
    return pd.DataFrame(
        [[str(graph), status["state"], status["pid"], _rounded(status["memory_mb"]), idle]], columns=COLUMNS
    )


def _rounded(megabytes: float | None) -> int | None:
    return None if megabytes is None else round(megabytes)


def add_command(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``reader``; returns its parser."""
    reader = commands.add_parser(
        "reader", help="the process keeping a large embedded graph open between commands: status, start, stop"
    )
    reader.add_argument("action", choices=["status", "start", "stop"], nargs="?", default="status")
    reader.set_defaults(run=_reader, offline=True)
    return reader
