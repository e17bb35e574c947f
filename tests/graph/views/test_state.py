"""The view as one value: serialised, reopened from a link, undone and redone."""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib

import pytest

from graph.model import load_model
from graph.views.explore import Filters
from graph.views.groups import Group
from graph.views.state import History, ViewState, ViewStateError

FULL = ViewState(
    centres=("CASE-1", "SC-\u202egpj.exe"),
    hops=2,
    per_node=40,
    expanded=(("SC-1", 50),),
    filters=Filters(labels=("SalesChannel",), types=("OPERATES",), since=dt.date(2024, 1, 1), case="CASE-1"),
    groups=(Group("g1", "label", "14 sales channels", ("SC-1", "SC-2")),),
    selection=("SC-2",),
    positions=(("SC-1", 10.5, -3.0),),
    colour_by="community",
    sized=False,
    table_filter="<img src=x>",
    period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
)


def test_every_part_of_a_view_survives_a_link() -> None:
    token = FULL.to_token()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert ViewState.from_token(token) == FULL
    assert ViewState.from_dict(json.loads(json.dumps(FULL.to_dict()))) == FULL


def test_the_period_travels_as_two_days_and_an_older_link_has_none() -> None:
    assert FULL.to_dict()["period"] == ["2023-01-01", "2023-12-31"]
    older = {key: value for key, value in FULL.to_dict().items() if key != "period"}
    assert ViewState.from_token(_token(older)) == FULL.change(period=None)


def _token(data: object) -> str:
    return base64.urlsafe_b64encode(zlib.compress(json.dumps(data).encode())).decode().rstrip("=")


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"hops": 9}, "view.hops"),
        ({"hops": True}, "view.hops"),
        ({"centres": "CASE-1"}, "view.centres"),
        ({"centres": [1]}, "view.centres"),
        ({"filters": {"since": "last year"}}, "view.filters.since"),
        ({"groups": [{"id": "g", "kind": "label", "title": 3}]}, "view.groups[0].title"),
        ({"positions": [["A", "x", 1]]}, "view.positions"),
        ({"colour_by": "shoe size"}, "view.colour_by"),
        ({"period": ["2023-12-31", "2023-01-01"]}, "view.period: ends 2023-01-01 before it starts 2023-12-31"),
        ({"period": ["2023-01-01"]}, "view.period: expected [start, end]"),
        ({"period": "2023-01-01..2023-12-31"}, "view.period: expected"),
        ({"period": ["2023-01-01", "next spring"]}, "view.period: expected a date"),
        ({"period": ["2023-01-01", None]}, "view.period: expected"),
        ({"drop": "everything"}, "unknown field 'drop'"),
        ([1, 2], "expected an object"),
    ],
)
def test_a_bad_link_names_the_field(data: object, named: str) -> None:
    with pytest.raises(ViewStateError, match=named.replace("[", r"\[").replace("]", r"\]")):
        ViewState.from_token(_token(data))


@pytest.mark.parametrize("token", ["", "%%%", "AAAA", "x" * 300_000])
def test_a_damaged_link_is_refused_in_words(token: str) -> None:
    with pytest.raises(ViewStateError, match="view"):
        ViewState.from_token(token)


def test_a_compressed_bomb_is_refused() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 50_000_000, 9)).decode()
    with pytest.raises(ViewStateError, match="too large"):
        ViewState.from_token(bomb)


def test_undo_redo_and_the_breadcrumb() -> None:
    history = History()
    one = ViewState(centres=("A",))
    two = one.change(hops=2)
    assert history.push("Show A", one)
    assert history.push("2 hops", two)
    assert not history.push("2 hops again", two)  # nothing changed: no step
    assert history.breadcrumb() == ["Empty view", "Show A", "2 hops"]
    assert history.undo() == one and history.can_redo
    assert history.redo() == two and not history.can_redo
    history.undo()
    history.push("Add B", one.change(centres=("A", "B")))
    assert not history.can_redo  # a new step after an undo drops what was undone
    assert history.breadcrumb() == ["Empty view", "Show A", "Add B"]
    assert history.go_to(0) == ViewState()


def test_a_run_of_selections_is_one_step() -> None:
    history = History()
    history.push("Show A", ViewState(centres=("A",)))
    for node in "BCD":
        history.push(f"Select {node}", history.now.change(selection=(node,)), merge=True)
    assert history.breadcrumb() == ["Empty view", "Show A", "Select D"]
    assert history.undo().selection == ()


def test_a_link_from_another_graph_names_the_label_this_one_lacks() -> None:
    model = load_model()
    assert FULL.checked(model) is FULL
    with pytest.raises(ViewStateError, match="view.filters.labels: 'Planet'"):
        ViewState(filters=Filters(labels=("Case", "Planet"))).checked(model)
    with pytest.raises(ViewStateError, match="view.filters.types: 'ORBITS'"):
        ViewState(filters=Filters(types=("ORBITS",))).checked(model)
