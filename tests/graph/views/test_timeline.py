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
from graph.views.explore import ViewSpec, build_view
from graph.views.timeline import UNDATED, in_window, timeline_events, view_events
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


def _first_seizure_and_later_listings(
    store: GraphStore, truth: list[dict[str, str]]
) -> tuple[nx.MultiDiGraph, dt.date]:
    """The case view (two hops) of the truth's case with storefronts listed after its first
    seizure, and the date of that seizure."""
    for case in sorted({event["id"] for event in truth if event["step"] == "case opened"}):
        view = build_view(store, ViewSpec(centres=(case,), hops=2)).graph
        seized = min(e["date"] for e in truth if e["step"] == "goods seized" and e["id"] in view)
        if any(e["property"] == "created" and e["date"] > seized and e["id"] in view for e in truth):
            return view, dt.date.fromisoformat(seized)
    raise AssertionError("no case of the demo lists storefronts after its first seizure")


def test_the_year_before_the_first_seizure_keeps_what_existed_then(
    loaded_demo: tuple[GraphStore, list[dict[str, str]]],
) -> None:
    store, truth = loaded_demo
    view, seized = _first_seizure_and_later_listings(store, truth)
    before = in_window(view, store.model, seized - dt.timedelta(days=365), seized - dt.timedelta(days=1))
    on = {(e["id"], e["property"]): dt.date.fromisoformat(e["date"]) for e in truth if e["kind"] == "node"}
    shells = [key for key, prop in on if prop == "incorporated" and key in view]
    assert shells and all(key in before for key in shells if on[key, "incorporated"] < seized)
    seizures = [key for key, prop in on if prop == "date" and key in view]
    assert seizures and not any(key in before for key in seizures)
    later = [key for key, prop in on if prop == "created" and key in view and on[key, prop] > seized]
    assert later and not any(key in before for key in later)
    assert not any(key in before for key, prop in on if prop == "opened" and key in view)  # cases opened later
    assert 0 < before.number_of_nodes() < view.number_of_nodes()
    for u, v, data in before.edges(data=True):  # a relationship never outlives its ends
        assert u in before and v in before and data["type"]


def _node(graph: nx.MultiDiGraph, key: str, label: str, **dates: object) -> None:
    graph.add_node(key, labels=[label], properties={"name": key, **dates})


def test_spans_points_and_undated_nodes_follow_the_rule() -> None:
    graph = nx.MultiDiGraph()
    _node(graph, "open", "ShellCompany", incorporated=dt.date(2020, 1, 1))  # still open
    _node(graph, "gone", "ShellCompany", dissolved=dt.date(2021, 6, 1))  # existed before, ended in 2021
    _node(graph, "later", "SalesChannel", created=dt.date(2024, 1, 1))
    _node(graph, "seized", "Seizure", date=dt.date(2022, 3, 1))
    _node(graph, "phone", "Phone")  # undated, of a shell that existed
    _node(graph, "owner", "Person")  # undated, tied only by a stake that ended before
    _node(graph, "alone", "Person")  # undated, of a storefront listed later
    graph.add_edge("phone", "open", type="HAS_PHONE")
    graph.add_edge("owner", "gone", type="OWNS", properties={"until": dt.date(2021, 1, 1)})
    graph.add_edge("alone", "later", type="OPERATES")
    graph.add_edge("open", "gone", type="OWNS", properties={"since": dt.date(2020, 5, 1)})
    model = load_model()
    window = in_window(graph, model, dt.date(2021, 3, 1), dt.date(2022, 3, 1))  # the end day included
    assert set(window) == {"open", "gone", "seized", "phone"}
    assert sorted(data["type"] for *_, data in window.edges(data=True)) == ["HAS_PHONE", "OWNS"]
    later = in_window(graph, model, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert set(later) == {"open", "phone", "later", "alone"}
