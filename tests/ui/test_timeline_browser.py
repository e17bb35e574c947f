"""The timeline in the running app, in Debian Chromium (every outside request refused):
brushing a period filters the drawn view to what existed then (against the demo's
truth) as a step Undo takes back, Play steps the period (one step for the run), and the
timeline and the graph select together. Also
takes the README's screenshot of the timeline (``make screenshots``)."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path
from typing import Any

from tests.conftest import frame_where, kept_screenshot, turns_true
from tests.ui import test_browser as served
from tests.ui.conftest import ROOT
from tests.ui.test_browser import RunningApp, click_node, network_frame, search_and_show, set_hops, settled

app, page = served.app, served.page  # the fixtures: the app served on the demo, a fresh session in it

SCREENSHOT = ROOT / "docs" / "timeline.png"
NODES = "network.body.data.nodes.getIds().filter(id => !String(id).startsWith('more:'))"


def timeline_frame(tab: Any, *, timeout: float = 60) -> Any:
    """The frame whose timeline has drawn its lanes."""
    return frame_where(tab, "window.timelineDrawn === true", "timeline", timeout=timeout)


def drawn_nodes(tab: Any, *, other_than: set[str] | None = None, timeout: float = 60) -> set[str]:
    """The nodes the view draws, once it differs from ``other_than``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            nodes = set(network_frame(tab).evaluate(NODES))
            if nodes != other_than:
                return nodes
        except Exception:  # redrawn meanwhile
            nodes = None
        assert time.monotonic() < deadline, f"the view still draws {nodes}"
        tab.wait_for_timeout(250)


def brush(tab: Any, start: float, end: float) -> None:
    """Drag across the timeline's lanes from ``start`` to ``end`` (fractions of their width)."""
    frame = timeline_frame(tab)
    tab.locator("iframe[title=timeline]").scroll_into_view_if_needed()
    plot = frame.locator("#plot").bounding_box()
    y = plot["y"] + 15
    tab.mouse.move(plot["x"] + plot["width"] * start, y)
    tab.mouse.down()
    tab.mouse.move(plot["x"] + plot["width"] * end, y, steps=8)
    tab.mouse.up()


def _truth(app: RunningApp) -> list[dict[str, str]]:
    with (app.database.parent / "csv" / "truth" / "events.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _showing(tab: Any) -> str:
    shown = tab.get_by_text("Showing ", exact=False)
    return shown.first.inner_text() if shown.count() else ""


def test_brushing_a_period_filters_the_view_to_what_existed_then_and_screenshot(
    page: Any, app: RunningApp, tmp_path: Path
) -> None:
    search_and_show(page, app, "CASE-003")
    one_hop = drawn_nodes(page)
    set_hops(page, 2)
    whole = drawn_nodes(page, other_than=one_hop)  # the two-hop view, once it has replaced the first
    frame = timeline_frame(page)
    brush(page, 0.05, 0.4)
    page.get_by_role("button", name="Clear the period").wait_for(timeout=60_000)
    start, end = (dt.date.fromisoformat(day) for day in frame.evaluate("window.timelineWindow"))
    assert _showing(page) == f"Showing {start} – {end}"
    period = drawn_nodes(page, other_than=whole)
    assert period and period < whole
    for event in _truth(app):  # a node born after the period, or a point outside it, is not drawn
        day = dt.date.fromisoformat(event["date"])
        if event["kind"] == "node" and event["id"] in whole:
            if event["property"] in ("created", "incorporated", "opened") and day > end:
                assert event["id"] not in period, event
            if event["property"] == "date" and not start <= day <= end:
                assert event["id"] not in period, event
    shot = tmp_path / "timeline.png"
    page.locator("iframe[title=timeline]").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shot))
    kept_screenshot(shot, SCREENSHOT)
    page.get_by_role("button", name="Clear the period").click()
    assert drawn_nodes(page, other_than=period) == whole
    assert turns_true(timeline_frame(page), "() => window.timelineWindow === null")
    assert page.outside == [] and page.dialogs == []


def _steps(tab: Any) -> str:
    """The history bar's breadcrumb."""
    return tab.get_by_text("Steps: ", exact=False).first.inner_text()


def _undo_or_redo(tab: Any, name: str) -> None:
    tab.get_by_role("button", name=name).click()
    settled(tab)


def test_a_brush_is_a_step_undo_redraws_the_whole_view_and_redo_brings_the_period_back(
    page: Any, app: RunningApp
) -> None:
    search_and_show(page, app, "CASE-003")
    one_hop = drawn_nodes(page)
    set_hops(page, 2)
    whole = drawn_nodes(page, other_than=one_hop)  # the two-hop view, once it has replaced the first
    brush(page, 0.05, 0.4)
    page.get_by_role("button", name="Clear the period").wait_for(timeout=60_000)
    period = drawn_nodes(page, other_than=whole)
    start, end = timeline_frame(page).evaluate("window.timelineWindow")
    assert _steps(page).endswith(f"Period {start} – {end}")
    _undo_or_redo(page, "↶ Undo")
    assert drawn_nodes(page, other_than=period) == whole and _showing(page) == ""
    assert turns_true(timeline_frame(page), "() => window.timelineWindow === null")
    _undo_or_redo(page, "↷ Redo")
    assert drawn_nodes(page, other_than=whole) == period and _showing(page) == f"Showing {start} – {end}"
    assert turns_true(timeline_frame(page), f"() => String(window.timelineWindow) === '{start},{end}'")
    assert page.outside == [] and page.dialogs == []


def test_play_steps_the_period_through_time(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "CASE-003")
    timeline_frame(page).locator("#play").click()
    seen: list[str] = []
    deadline = time.monotonic() + 90
    while len(seen) < 3 and time.monotonic() < deadline:
        shown = _showing(page)
        if shown and shown not in seen:
            seen.append(shown)
        page.wait_for_timeout(200)
    timeline_frame(page).locator("#play").click()  # pause
    periods = [tuple(dt.date.fromisoformat(day) for day in text.removeprefix("Showing ").split(" – ")) for text in seen]
    assert len(periods) == 3 and [p[0] for p in periods] == sorted(p[0] for p in periods)
    assert len({end - start for start, end in periods}) == 1  # a window of fixed width, moving
    settled(page)
    assert _steps(page).count("Play ") == 1  # the run is one step, holding where it paused
    _undo_or_redo(page, "↶ Undo")
    assert _showing(page) == "" and turns_true(timeline_frame(page), "() => window.timelineWindow === null")
    assert page.outside == []


def test_the_timeline_and_the_graph_select_together(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "CASE-003")
    frame = timeline_frame(page)
    lane = frame.locator(".name:not(.link)").nth(1)
    page.locator("iframe[title=timeline]").scroll_into_view_if_needed()
    key = lane.get_attribute("data-key")
    lane.click()
    assert turns_true(network_frame(page), f"() => network.getSelectedNodes().includes({key!r})")
    other = next(
        node for node in network_frame(page).evaluate(NODES) if node != key and node in _lane_keys(timeline_frame(page))
    )
    page.locator("iframe[title=network]").scroll_into_view_if_needed()
    click_node(page, other)
    settled(page)
    assert turns_true(timeline_frame(page), f"() => window.timelineSelected.includes({other!r})")
    assert page.outside == [] and page.dialogs == []


def _lane_keys(frame: Any) -> set[str]:
    return set(frame.evaluate("Array.from(document.querySelectorAll('.name:not(.link)')).map(e => e.dataset.key)"))
