"""Saved views and notes on nodes: kept in the workspace with author and time, returned
exactly as written, and never added to the graph."""

from __future__ import annotations

import pytest

from graph.store import GraphStore
from graph.views.saved import (
    MAX_NOTE,
    add_note,
    current_author,
    delete_note,
    delete_view,
    notes_for,
    save_view,
    saved_view,
    saved_views,
)
from graph.workspace import Workspace
from tests.graph.views.conftest import RLO
from tests.ui.conftest import PWN

STATE = {"centres": ["CASE-000"], "hops": 2, "groups": [{"id": "g1", "members": ["A", "B"]}], "positions": {}}


def test_a_saved_view_reopens_exactly_and_lists_newest_first(workspace: Workspace) -> None:
    first = save_view(workspace, name="Tide", note="who ships", tags=["tide", "ships"], state=STATE, by="ana")
    second = save_view(workspace, name="Ports", note="", tags=["ports"], state={"hops": 1}, by="bo")
    reopened = saved_view(workspace, first)
    assert reopened is not None
    assert (reopened["name"], reopened["note"], reopened["tags"], reopened["state"], reopened["by"]) == (
        "Tide", "who ships", ["tide", "ships"], STATE, "ana"
    )  # fmt: skip
    assert [view["id"] for view in saved_views(workspace)] == [second, first]
    assert [view["name"] for view in saved_views(workspace, tag="ships")] == ["Tide"]
    assert saved_views(workspace, tag="nothing") == []
    assert delete_view(workspace, second) and not delete_view(workspace, second)
    assert [view["id"] for view in saved_views(workspace)] == [first]


def test_saving_under_a_used_name_replaces_that_view(workspace: Workspace) -> None:
    old = save_view(workspace, name="Tide", note="v1", tags=[], state={"hops": 1}, by="ana")
    new = save_view(workspace, name=" Tide ", note="v2", tags=[], state={"hops": 2}, by="ana")
    assert [(view["id"], view["note"]) for view in saved_views(workspace)] == [(new, "v2")]
    assert saved_view(workspace, old) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "name: required"),
        ({"name": "x" * 201}, "name: at most 200 characters"),
        ({"note": "x" * (MAX_NOTE + 1)}, "note: at most 10,000 characters"),
        ({"tags": "tide"}, "tags: expected a list"),
        ({"tags": [""]}, "tags: required"),
        ({"state": ["not", "a", "dict"]}, "state: expected a dict"),
        ({"state": {"x": float("nan")}}, "state: not serialisable as JSON"),
        ({"state": {"x": object()}}, "state: not serialisable as JSON"),
    ],
)
def test_a_bad_view_is_refused_naming_the_parameter(workspace: Workspace, fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        save_view(workspace, **{"name": "v", "note": "", "tags": [], "state": {}, "by": "ana", **fields})
    assert saved_views(workspace) == []


def test_notes_per_node_with_author_and_time_oldest_first(workspace: Workspace) -> None:
    first = add_note(workspace, "SC-1", "sells the fake bags", "ana")
    second = add_note(workspace, "SC-1", "same phone as SUP-2", "bo")
    add_note(workspace, "SUP-2", "factory in the port", "ana")
    found = notes_for(workspace, ["SC-1", "NOPE"])
    assert list(found) == ["SC-1"]
    assert [(note["text"], note["by"]) for note in found["SC-1"]] == [
        ("sells the fake bags", "ana"), ("same phone as SUP-2", "bo")
    ]  # fmt: skip
    assert found["SC-1"][0]["at"] == first["at"] <= found["SC-1"][1]["at"] == second["at"]
    assert delete_note(workspace, second["id"]) and not delete_note(workspace, second["id"])
    assert [note["text"] for note in notes_for(workspace, ["SC-1"])["SC-1"]] == ["sells the fake bags"]


@pytest.mark.parametrize(
    ("text", "message"), [("", "text: required"), (" \n", "text: required"), ("x" * 10_001, "text: at most 10,000")]
)
def test_an_empty_or_huge_note_is_refused(workspace: Workspace, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        add_note(workspace, "SC-1", text, "ana")
    assert notes_for(workspace, ["SC-1"]) == {}


def test_hostile_text_is_stored_and_returned_exactly(workspace: Workspace) -> None:
    hostile = f"{PWN} shop {RLO}exe.txt ' OR 1=1; --"
    note = add_note(workspace, hostile, hostile, hostile)
    assert notes_for(workspace, [hostile])[hostile] == [{k: note[k] for k in ("id", "text", "by", "at")}]
    assert notes_for(workspace, [hostile])[hostile][0]["text"] == hostile
    tag = f"<b>{RLO}</b>"
    view = save_view(workspace, name=hostile, note=hostile, tags=[tag], state={hostile: [hostile]}, by=hostile)
    reopened = saved_view(workspace, view)
    assert reopened is not None
    assert (reopened["name"], reopened["note"], reopened["tags"], reopened["state"], reopened["by"]) == (
        hostile, hostile, [tag], {hostile: [hostile]}, hostile
    )  # fmt: skip


def test_the_author_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_AUTHOR", "Ana Inspector")
    assert current_author() == "Ana Inspector"
    monkeypatch.delenv("KG_AUTHOR")
    monkeypatch.setenv("KG_USER", "svc-ana")
    assert current_author() == "svc-ana"


def test_views_and_notes_never_reach_the_graph(demo_store: GraphStore, workspace: Workspace) -> None:
    before = demo_store.counts()
    save_view(workspace, name="Tide", note="n", tags=["t"], state=STATE, by="ana")
    add_note(workspace, "SC-000-0", "a note", "ana")
    assert demo_store.counts() == before
    assert notes_for(workspace, ["SC-000-0"])["SC-000-0"][0]["text"] == "a note"
