"""The timeline drawing: lanes in time with the drawing's colours, offline and safe; in
Debian Chromium (every outside request refused): a brush posts its period, a click its
nodes, Play steps a window through time, and names that are markup stay text; a
briefing carries it (HTML offline, PDF, PNG)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import networkx as nx
from PIL import Image
from pypdf import PdfReader

from graph.model import load_model
from graph.views.briefing import briefing_html
from graph.views.drawing import marks, network_html
from graph.views.png import pdf_of, png_of
from graph.views.timeline import in_window, view_events
from graph.views.timeline_chart import TimelineShown, timeline_html, timeline_lanes
from tests.conftest import RECORD_POSTS, offline_page, turns_true, wait_until
from tests.ui.conftest import PWN


def test_lanes_run_in_time_coloured_like_the_drawing(case_view: nx.MultiDiGraph) -> None:
    model = load_model()
    drawn = timeline_lanes(case_view, model)
    firsts = [min(event[0] for event in lane["events"]) for lane in drawn["lanes"]]
    assert firsts == sorted(firsts) and len(drawn["lanes"]) > 10
    colours = marks(case_view, "label", None)
    nodes = [lane for lane in drawn["lanes"] if not lane["link"]]
    assert nodes and all(lane["colour"] == colours[lane["key"]].colour for lane in nodes)
    links = [lane for lane in drawn["lanes"] if lane["link"]]
    assert links and all(len(lane["ids"]) == 2 and set(lane["ids"]) <= set(case_view) for lane in links)
    undated = view_events(case_view, model).attrs["undated"]
    assert len(drawn["undated"]) == undated > 0  # counted and listed, never dropped
    assert drawn["first"] <= drawn["last"]


def _hostile_dated() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node(
        f"S-{PWN}", labels=["ShellCompany"], properties={"name": f"</script>{PWN}", "incorporated": "2021-01-05"}
    )
    graph.add_node(
        "Z-1", labels=["Seizure"], properties={"name": "src=//evil.example/x.js", "date": dt.date(2022, 2, 1)}
    )
    graph.add_node("P-1", labels=["Person"], properties={"name": f"{PWN} person"})
    graph.add_edge("P-1", f"S-{PWN}", type="OWNS", properties={"since": dt.date(2021, 2, 1)})
    return graph


def test_the_page_fetches_nothing_and_hands_names_over_as_data() -> None:
    page = timeline_html(_hostile_dated(), load_model())
    assert PWN not in page and "</script>" + "<img" not in page
    assert "default-src 'none'" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def _opened(browser: Any, html_text: str, tmp_path: Path) -> tuple[Any, list[str], list[str]]:
    page, requests, dialogs = offline_page(
        browser, html_text, tmp_path / "timeline.html", {"width": 1000, "height": 500}
    )
    wait_until(page, "() => window.timelineDrawn === true")
    page.evaluate(RECORD_POSTS)
    return page, requests, dialogs


def test_hostile_names_show_as_text_offline(browser: Any, tmp_path: Path) -> None:
    page, requests, dialogs = _opened(browser, timeline_html(_hostile_dated(), load_model()), tmp_path)
    names = page.locator(".name span").all_inner_texts()
    assert f"</script>{PWN}" in names and "src=//evil.example/x.js" in names
    page.locator("#undated").click()
    assert page.locator("#undated-list li").all_inner_texts() == [f"{PWN} person (Person)"]
    assert page.locator("#undated").inner_text() == "1 undated"
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None and requests == [] and dialogs == []
    assert page.locator("img:not([src^='data:'])").count() == 0


def test_brush_click_and_play_post_to_the_parent(browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path) -> None:
    page, requests, _ = _opened(browser, timeline_html(case_view, load_model(), play_every=0.2), tmp_path)
    box = page.locator("#plot").bounding_box()
    y = box["y"] + 30
    page.mouse.move(box["x"] + 100, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, y, steps=5)
    page.mouse.up()
    wait_until(page, "() => window.posted.length > 0")  # a message arrives after the gesture
    windows = page.evaluate("window.posted.filter(m => m.kind === 'window')")
    assert len(windows) == 1 and windows[0]["start"] < windows[0]["end"] and windows[0]["play"] is False
    assert page.locator("#shown").inner_text() == f"showing {windows[0]['start']} – {windows[0]['end']}"
    page.locator(".name").nth(2).click()
    wait_until(page, "() => window.posted.some(m => m.kind === 'selection')")
    chosen = page.evaluate("window.posted.filter(m => m.kind === 'selection').pop().ids")
    assert chosen and set(chosen) <= set(case_view) and page.locator(".name.on").count() >= 1
    page.evaluate("() => window.postMessage({kind: 'show-selection', ids: [], window: null}, '*')")
    assert turns_true(page, "() => window.timelineWindow === null && !document.querySelector('.name.on')")
    page.evaluate("window.posted = []")
    page.locator("#play").click()
    assert turns_true(page, "() => window.posted.filter(m => m.kind === 'window').length >= 3")
    page.locator("#play").click()  # pause
    steps = page.evaluate("window.posted.filter(m => m.kind === 'window')")
    days = [(dt.date.fromisoformat(s["start"]), dt.date.fromisoformat(s["end"])) for s in steps]
    assert all(b[0] > a[0] for a, b in zip(days, days[1:], strict=False))  # it moves forward
    assert all(s["play"] is True for s in steps)  # told apart from a brush: the app makes one step of them
    assert len({end - start for start, end in days}) == 1  # with a fixed width
    count = len(steps)
    page.wait_for_timeout(600)
    assert len(page.evaluate("window.posted.filter(m => m.kind === 'window')")) == count  # paused
    assert requests == []


def test_a_briefing_carries_the_timeline_as_on_screen_offline(
    browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    model = load_model()
    period = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    shown = in_window(case_view, model, *period)
    hostile = _hostile_dated()
    untimed = nx.compose(case_view, hostile)
    page_html = briefing_html(
        nx.compose(shown, hostile),
        model,
        title="Ring",
        timeline=TimelineShown(untimed, period),
        redact=["incorporated"],
    )
    page, requests, _ = offline_page(browser, page_html, tmp_path / "briefing.html", {"width": 1200, "height": 900})
    page.locator("iframe[title=timeline]").scroll_into_view_if_needed()
    frame = page.locator("iframe[title=timeline]").element_handle().content_frame()
    wait_until(frame, "() => window.timelineDrawn === true")
    assert frame.locator("#shown").inner_text() == "showing 2022-01-01 – 2022-12-31"
    names = frame.locator(".name span").all_inner_texts()
    assert f"{PWN} person → </script>{PWN}" in names  # the hostile stake, by name, as text
    assert "2021-01-05" not in page_html  # the shell's redacted date is in no part of the briefing
    assert f"</script>{PWN} (ShellCompany)" in frame.locator("#undated-list li").all_inner_texts()
    assert [f.evaluate("window.__pwned") for f in page.frames] == [None] * len(page.frames) and requests == []
    pdf = pdf_of(page_html, tmp_path / "b.pdf")
    reader = PdfReader(pdf)
    pictures = [image.name for sheet in reader.pages for image in sheet.images]
    assert "Timeline" in "".join(sheet.extract_text() for sheet in reader.pages) and len(pictures) >= 2


def test_the_png_shows_the_timeline_under_the_graph(case_view: nx.MultiDiGraph, tmp_path: Path) -> None:
    model = load_model()
    alone = png_of(network_html(case_view, model), tmp_path / "alone.png")
    both = png_of(network_html(case_view, model), tmp_path / "both.png", timeline=timeline_html(case_view, model))
    with Image.open(alone) as first, Image.open(both) as second:
        lanes = len(timeline_lanes(case_view, model)["lanes"])
        assert second.height >= first.height + lanes * 22  # every lane, under the graph
