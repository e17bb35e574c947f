"""``python -m graph export`` gives what the app's briefing gives: the timeline and the map of
the view beside the graph, in the HTML (offline), the PNG and the PDF; ``--period`` cuts
the view as the app's brush does; ``--no-timeline`` / ``--no-map`` leave them out."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from graph.records import NodeRecord
from graph.store.embedded_engine import EmbeddedStore
from ingest.demo import LOADING_PORTS, PORTS, generate, load, write_admin_csv
from tests.conftest import Ran, offline_page, wait_until

CASE = "CASE-001"
#: What each frame of a briefing says once it has drawn.
DRAWN = {"timeline": "() => window.timelineDrawn === true", "map": "() => window.mapFitted === true"}
BORN = ("created", "incorporated", "opened", "registered")


@pytest.fixture
def demo(tmp_path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The demo's four rings in an embedded file (the environment naming it) and the
    story's truth (``truth/events.csv``)."""
    rings = generate(4, seed=1)
    with EmbeddedStore(tmp_path / "g.kgl") as store:
        load(store, rings)
    write_admin_csv(rings, tmp_path / "csv")
    with (tmp_path / "csv" / "truth" / "events.csv").open(encoding="utf-8") as handle:
        return {"GRAPH_DB": str(tmp_path / "g.kgl")}, list(csv.DictReader(handle))


def _frames(page: str) -> dict[str, str]:
    """The page drawn in each frame of a briefing, by the frame's title."""
    found = re.findall(r'<iframe title="(\w+)" sandbox="allow-scripts" srcdoc="([^"]*)"', page)
    return {title: html.unescape(srcdoc) for title, srcdoc in found}


def _drawn_nodes(network_page: str) -> set[str]:
    """The ids of the nodes a briefing's network frame draws."""
    nodes = re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", network_page, re.S)
    assert nodes, "no nodes in the network page"
    return set(re.findall(r'"id": "([^"]+)"', nodes.group(1)))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _export(cli: Callable[..., Ran], env: dict[str, str], out: Path, *args: str) -> Ran:
    ran = cli(env, "graph", "export", "--center", CASE, "--hops", "2", "--out", str(out), *args)
    assert ran.returncode == 0, ran.stderr
    return ran


def test_a_case_briefing_carries_its_timeline_and_map_offline_in_html_png_and_pdf(
    demo: tuple[dict[str, str], list[dict[str, str]]], cli: Callable[..., Ran], browser: Any, tmp_path: Path
) -> None:
    env, _ = demo
    out, png, pdf = tmp_path / "b.html", tmp_path / "b.png", tmp_path / "b.pdf"
    ran = _export(cli, env, out, "--png", str(png), "--pdf", str(pdf))
    assert "note:" not in ran.stderr
    page_html = _read(out)
    assert list(_frames(page_html)) == ["network", "timeline", "map"]
    page, requests, dialogs = offline_page(browser, page_html, tmp_path / "opened.html", {"width": 1100, "height": 900})
    for title, drawn in DRAWN.items():
        frame = page.locator(f"iframe[title={title}]")
        frame.scroll_into_view_if_needed()
        wait_until(frame.element_handle().content_frame(), drawn, timeout=60)
    assert requests == [] and dialogs == []  # nothing fetched from outside the file
    sheets = PdfReader(pdf).pages
    printed = "".join(sheet.extract_text() for sheet in sheets)
    assert "Timeline" in printed and "Map" in printed
    assert sum(len(sheet.images) for sheet in sheets) >= 3  # each frame photographed in place: graph, timeline, map
    plain = tmp_path / "plain.png"
    _export(cli, env, tmp_path / "plain.html", "--no-timeline", "--no-map", "--png", str(plain))
    with Image.open(png) as both, Image.open(plain) as alone:
        assert both.height > alone.height + 400  # the timeline's lanes and the map under the graph


def test_period_keeps_only_what_existed_then_and_brushes_the_timeline(
    demo: tuple[dict[str, str], list[dict[str, str]]], cli: Callable[..., Ran], tmp_path: Path
) -> None:
    env, truth = demo
    _export(cli, env, tmp_path / "whole.html")
    whole = _drawn_nodes(_frames(_read(tmp_path / "whole.html"))["network"])
    born = sorted(
        (dt.date.fromisoformat(event["date"]), event["id"])
        for event in truth
        if event["kind"] == "node" and event["property"] in BORN and event["id"] in whole
    )
    (start, first), (day, later) = born[0], born[-1]
    end = day - dt.timedelta(days=1)
    assert start <= end
    _export(cli, env, tmp_path / "period.html", "--period", f"{start}..{end}")
    page_html = _read(tmp_path / "period.html")
    frames = _frames(page_html)
    shown = _drawn_nodes(frames["network"])
    assert first in shown and later not in shown and shown < whole  # born after the period: not drawn
    assert f'"window": ["{start}", "{end}"]' in frames["timeline"]  # the period brushed
    assert f'"key": "{later}"' in frames["timeline"]  # on the timeline of the whole view, as in the app
    assert f"what existed or happened {start} – {end}" in page_html
    _export(cli, env, tmp_path / "untimed.html", "--period", f"{start}..{end}", "--no-timeline")
    assert f"existed or happened from {start} to {end}" in _read(tmp_path / "untimed.html")  # said in the summary


def test_no_map_and_no_timeline_leave_them_out(
    demo: tuple[dict[str, str], list[dict[str, str]]], cli: Callable[..., Ran], tmp_path: Path
) -> None:
    env, _ = demo
    _export(cli, env, tmp_path / "no-map.html", "--no-map")
    assert list(_frames(_read(tmp_path / "no-map.html"))) == ["network", "timeline"]
    _export(cli, env, tmp_path / "no-timeline.html", "--no-timeline")
    assert list(_frames(_read(tmp_path / "no-timeline.html"))) == ["network", "map"]


def test_redacted_dates_and_places_reach_neither_the_timeline_nor_the_map(
    demo: tuple[dict[str, str], list[dict[str, str]]], cli: Callable[..., Ran], tmp_path: Path
) -> None:
    env, truth = demo
    ports = [*PORTS, *LOADING_PORTS.values()]
    _export(cli, env, tmp_path / "whole.html")
    named = [port for port in ports if port in _read(tmp_path / "whole.html")]
    _export(cli, env, tmp_path / "b.html", "--redact", "opened,closed,port,port_of_entry,port_of_loading")
    page_html = _read(tmp_path / "b.html")
    timeline = _frames(page_html)["timeline"]
    dates = [event["date"] for event in truth if event["id"] == CASE and event["property"] in ("opened", "closed")]
    assert dates and not any(f'"{day}"' in timeline for day in dates)
    assert named and not any(port in page_html for port in named)


def test_a_view_with_no_dates_or_places_has_neither_and_says_so(cli: Callable[..., Ran], tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.kgl") as store:
        store.upsert_nodes([NodeRecord(("Person",), "P-1", {"name": "Someone"}, source="t")])
    ran = cli(
        {"GRAPH_DB": str(tmp_path / "g.kgl")}, "graph", "export", "--center", "P-1", "--out", str(tmp_path / "b.html")
    )
    assert ran.returncode == 0, ran.stderr
    assert list(_frames(_read(tmp_path / "b.html"))) == ["network"]
    assert "nothing in the view is dated" in ran.stderr and "nothing in the view has a place" in ran.stderr


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("2023-01-01", "is not a period"),
        ("2023-13-01..2023-12-31", "is not a period"),
        ("2023-06-01..2023-01-01", "ends before it starts"),
        ("1900-01-01..1900-12-31", "nothing in the view existed or happened"),
    ],
)
def test_a_bad_period_is_named(
    demo: tuple[dict[str, str], list[dict[str, str]]], cli: Callable[..., Ran], tmp_path: Path, period: str, said: str
) -> None:
    env, _ = demo
    out = tmp_path / "b.html"
    ran = cli(env, "graph", "export", "--center", CASE, "--out", str(out), "--period", period)
    assert ran.returncode == 2 and "--period" in ran.stderr and said in ran.stderr
    assert "Traceback" not in ran.stderr and not out.exists()
