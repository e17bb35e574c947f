"""Shell-company indicators with their reasons."""

from __future__ import annotations

from graph.analysis.shells import shell_scores
from graph.store import GraphStore


def test_shell_indicators_give_reasons(demo_store: GraphStore) -> None:
    import datetime as dt

    scores = shell_scores(demo_store, as_of=dt.date(2024, 1, 1))
    assert not scores.empty and scores["score"].is_monotonic_decreasing
    top = scores.iloc[0]
    assert top["key"].startswith("SHL-") and "director" in top["reasons"]
    assert all(key.startswith(("SHL-", "FWD-")) for key in scores["key"])
