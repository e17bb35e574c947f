"""The timeline of a view: its events in date order with the sources that said them,
its undated nodes counted and listed last, on both stores."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from graph.model import load_model
from graph.store import GraphStore, NodeNotFound
from graph.views.timeline import UNDATED, timeline_events, view_events
from ingest.demo import generate, write_admin_csv
from ingest.loader import load_paths


@pytest.fixture
def loaded_demo(store: GraphStore, tmp_path: Path) -> tuple[GraphStore, list[dict[str, str]]]:
    """Four demo rings loaded from their CSV (so sources name files and rows), and the
    story's truth."""
    write_admin_csv(generate(4, seed=1), tmp_path / "demo")
    load_paths(store, [tmp_path / "demo"])
    with (tmp_path / "demo" / "truth" / "events.csv").open(encoding="utf-8") as handle:
        return store, list(csv.DictReader(handle))


def _truth_key(event: dict[str, str]) -> str:
    return event["id"] if event["kind"] == "node" else f"{event['id']} -[{event['type']}]-> {event['end']}"


def test_a_case_timeline_lists_its_events_in_order_with_their_sources(
    loaded_demo: tuple[GraphStore, list[dict[str, str]]],
) -> None:
    store, truth = loaded_demo
    frame = timeline_events(store, "CASE-001", hops=2)
    dated = frame[frame["role"] != UNDATED]
    days = [dt.date.fromisoformat(str(day)[:10]) for day in dated["date"]]
    assert days == sorted(days) and len(days) > 10
    said = {(row.key, row.event): row for row in dated.itertuples()}
    nodes = {key for key in frame["key"] if " -[" not in key}
    expected = [e for e in truth if e["id"] in nodes and (e["kind"] == "node" or e["end"] in nodes)]
    for event in expected:  # every date of the story on the view's nodes, as the truth has it
        row = said[_truth_key(event), event["property"]]
        assert str(row.date)[:10] == event["date"]
        label = "relationships" if event["kind"] == "relationship" else "nodes"
        assert row.sources.startswith(f"{label}.") and ".csv:" in row.sources, row
    assert {"shell incorporated", "goods seized", "case opened", "case closed"} <= {e["step"] for e in expected}
    case = dated[dated["key"] == "CASE-001"]
    assert list(case["event"]) == ["opened", "closed"] and list(case["role"]) == ["start", "end"]
    assert case.iloc[0]["name"] == "Operation Tide 001" and case.iloc[0]["label"] == "Case"
    owns = dated[dated["label"] == "OWNS"]
    assert not owns.empty and owns.iloc[0]["key"].startswith("PER-001-O -[OWNS]-> SHL-001-")
    assert " → " in owns.iloc[0]["name"]


def test_undated_nodes_are_counted_and_listed_last(loaded_demo: tuple[GraphStore, list[dict[str, str]]]) -> None:
    store, _ = loaded_demo
    frame = timeline_events(store, "CASE-001", hops=2)
    undated = frame[frame["role"] == UNDATED]
    assert frame.attrs["undated"] == len(undated) > 0
    assert list(undated.index) == list(range(len(frame) - len(undated), len(frame)))  # after every event
    assert undated["date"].isna().all() and "PER-001-O" in set(undated["key"])  # a person has no event date
    node_keys = {key for key in frame["key"] if " -[" not in key}
    assert len(node_keys) == frame.attrs["nodes"]  # every node of the view is there, dated or not


def test_an_unknown_centre_is_named(store: GraphStore) -> None:
    with pytest.raises(NodeNotFound, match="NOPE"):
        timeline_events(store, "NOPE")


def test_datetimes_zones_and_text_dates_share_one_order() -> None:
    model = load_model()
    model.declare_label("Raid", properties={"at": "datetime"}, events={"at": "point"})
    graph = nx.MultiDiGraph()
    zone = dt.timezone(dt.timedelta(hours=8))
    graph.add_node("R-1", labels=["Raid"], properties={"at": dt.datetime(2024, 3, 2, 1, 0, tzinfo=zone)})
    graph.add_node("S-1", labels=["Seizure"], properties={"date": "2024-03-01", "sources": ["s.csv:2", "t.csv:9"]})
    graph.add_node("S-2", labels=["Seizure"], properties={"date": "not a date"})
    frame = view_events(graph, model)
    assert list(frame["key"]) == ["S-1", "R-1", "S-2"]  # 2024-03-02 01:00 +08 is 2024-03-01 17:00 UTC
    assert frame.iloc[0]["sources"] == "s.csv:2; t.csv:9" and frame.iloc[2]["role"] == UNDATED
