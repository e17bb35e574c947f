"""Fixtures of the embedded store's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.store import embedded_engine


@pytest.fixture
def forbid_open(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it, and from then on this process cannot open a graph file itself: what
    still answers came from elsewhere (kept counts, a reader process)."""

    def forbid() -> None:
        def refuse(*_: object) -> None:
            raise AssertionError("the graph file was opened")

        monkeypatch.setattr(embedded_engine, "load_snapshot", refuse)

    return forbid
