"""Briefings in a real browser (Debian Chromium through Playwright): they draw offline,
with every request refused, and names injected from scraped data stay text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graph.model import load_model
from graph.store.embedded_engine import EmbeddedStore
from graph.views.briefing import briefing_html
from ingest.demo import generate, load
from tests.conftest import add_injected_storefronts
from tests.graph.views.conftest import HOSTILE_KEY, RLO, hostile_view
from tests.ui.conftest import PWN, hover_every_node

ROOT = Path(__file__).resolve().parents[3]
EVIL_NAMES = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", '"><svg onload=alert(3)> href']


@pytest.fixture
def view(tmp_path: Path):
    store = EmbeddedStore(tmp_path / "g.kgl")
    load(store, generate(4, seed=1))
    add_injected_storefronts(store, EVIL_NAMES)
    graph = store.neighbourhood(["MKT-00"], hops=1, limit=40)
    yield store, graph
    store.close()


def test_briefing_opens_offline_and_names_stay_text(view, browser, tmp_path: Path) -> None:
    store, graph = view
    out = tmp_path / "briefing.html"
    out.write_text(
        briefing_html(graph, store.model, title="<b>Ring</b> review", notes="<script>alert(4)</script>"),
        encoding="utf-8",
    )
    page = browser.new_page()
    requests, dialogs = [], []
    page.route(
        "**/*",
        lambda route: (
            requests.append(route.request.url),
            route.continue_() if route.request.url.startswith("file:") else route.abort(),
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(out.as_uri())
    frame = page.frame_locator("iframe[title=network]")
    frame.locator("canvas").wait_for(timeout=30_000)
    drawn = page.frames[1].evaluate("network.body.data.nodes.length")
    assert drawn == graph.number_of_nodes()
    assert [url for url in requests if not url.startswith("file:")] == []
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("script:not([src])").count() == 0  # the notes' script is text, not an element
    assert "<script>alert(4)</script>" in page.locator(".notes").inner_text()
    assert page.locator("h1").inner_text() == "<b>Ring</b> review"
    assert page.frames[1].locator("img, svg").count() == 0
    provenance = page.locator("table").last.inner_text()
    assert "scrape" in provenance and EVIL_NAMES[0] in provenance  # by name, not id


@pytest.mark.browser  # the PNG is taken in Chromium
def test_export_command_writes_briefing_and_png(view, tmp_path: Path) -> None:
    store, _graph = view
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["GRAPH_DB"] = str(store.path)
    store.close()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph",
            "export",
            "--center",
            "MKT-00",
            "--out",
            str(tmp_path / "b.html"),
            "--png",
            str(tmp_path / "b.png"),
            "--notes",
            "seen on 3 marketplaces",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "seen on 3 marketplaces" in (tmp_path / "b.html").read_text()
    png = (tmp_path / "b.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_hovering_every_node_of_a_hostile_briefing_runs_nothing(browser, tmp_path: Path) -> None:
    graph = hostile_view()
    out = tmp_path / "briefing.html"
    page_html = briefing_html(graph, load_model(), title=f"Ring {PWN}", notes=PWN, more={HOSTILE_KEY: 40})
    out.write_text(page_html, encoding="utf-8")
    page = browser.new_page()
    requests, dialogs = [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url == out.as_uri()
            else (requests.append(route.request.url), route.abort())
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(out.as_uri())
    page.frame_locator("iframe[title=network]").locator("canvas").wait_for(timeout=30_000)
    page.locator("iframe[title=network]").scroll_into_view_if_needed()  # below the title page and summary
    tooltips = hover_every_node(page, page.frames[1])
    assert [frame.evaluate("window.__pwned") for frame in page.frames] == [None, None]
    assert requests == [] and dialogs == []
    assert f"40 more neighbours of K-hr\u200bef-{PWN}" in tooltips  # shown as typed, "href" broken
    assert any(f"{PWN}: hr\u200bef" in tip for tip in tooltips)
    assert "shop [U+202E]exe.txt" in page.frames[1].evaluate("network.body.data.nodes.get().map(n => n.label)")


def test_direction_controls_in_a_briefing_are_shown_not_obeyed() -> None:
    graph = hostile_view()
    graph.nodes["K-2"]["properties"]["sources"] = [f"leak{RLO}vsc.xlsx:3"]
    spoofed = pd.DataFrame({f"who{RLO}": [f"shop {RLO}exe.txt"]})
    page = briefing_html(graph, load_model(), title=f"Ring {RLO}A", notes=f"see {RLO}B", tables={"Seen": spoofed})
    assert RLO not in page and "<td>None</td>" not in page  # K-2 was never seen: blank, not "None"
    for shown in ("Ring [U+202E]A", "see [U+202E]B", "who[U+202E]", "shop [U+202E]exe.txt", "leak[U+202E]vsc.xlsx:3"):
        assert shown in page
