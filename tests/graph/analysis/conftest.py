"""A demo graph for the analysis tests, on both stores."""

from __future__ import annotations

import pytest

from graph.progress import Progress
from graph.store import GraphStore
from ingest.demo import generate, load


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    load(store, generate(12, seed=4))
    return store


class RecordingProgress(Progress):
    """Keeps every report's words; cancels at the first that starts with ``stop_at``."""

    def __init__(self, stop_at: str | None = None) -> None:
        super().__init__()
        self.stop_at = stop_at
        self.seen: list[str] = []

    def show(self, what: str, done: float | None, total: float | None) -> None:
        self.seen.append(what)
        if self.stop_at and what.startswith(self.stop_at):
            self.cancel()
