"""Briefings: a title page and the view in words, sources by name, redaction that no
export lets through; and in a real browser (Debian Chromium through Playwright): they
draw and print offline, with every request refused, and names injected from scraped
data stay text."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from graph.model import load_model
from graph.records import NodeRecord, RelationshipRecord
from graph.store.embedded_engine import EmbeddedStore
from graph.views import png
from graph.views.briefing import briefing_html, picture_html, provenance_table
from graph.views.png import pdf_of
from graph.views.summary import summarise_view
from graph.views.timeline_chart import TimelineShown
from ingest.demo import generate, load
from tests.conftest import add_injected_storefronts, kept_screenshot, offline_page, wait_until
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
    page_html = briefing_html(graph, store.model, title="<b>Ring</b> review", notes="<script>alert(4)</script>")
    page, requests, dialogs = offline_page(browser, page_html, tmp_path / "briefing.html")
    frame = page.frame_locator("iframe[title=network]")
    frame.locator("canvas").wait_for(timeout=30_000)
    drawn = page.frames[1].evaluate("network.body.data.nodes.length")
    assert drawn == graph.number_of_nodes()
    assert requests == []
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
    page_html = briefing_html(graph, load_model(), title=f"Ring {PWN}", notes=PWN, more={HOSTILE_KEY: 40})
    page, requests, dialogs = offline_page(browser, page_html, tmp_path / "briefing.html")
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


TIDE, SUSPECT, STOREFRONT = "CASE-001", "PER-001-O", "SC-001-1"  # the demo's Operation Tide and two it involves
PERSONA, INFORMANT = "Kestrel Persona 77", "Juniper Source 12"  # what must never leave the tool
MADE = dt.datetime(2026, 11, 29, 18, 30)
SCREENSHOT = ROOT / "docs" / "briefing.png"


@pytest.fixture
def case_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """The demo rings, where a storefront of Operation Tide carries the test buyer's
    persona and the case's link to its suspect names the informant."""
    store = EmbeddedStore(tmp_path / "g.kgl")
    load(store, generate(4, seed=1))
    store.upsert_nodes([NodeRecord(("SalesChannel",), STOREFRONT, {"buyer_persona": PERSONA}, source="buys.csv:7")])
    store.upsert_relationships(
        [RelationshipRecord("INVOLVES", TIDE, SUSPECT, {"informant": INFORMANT}, source="case:CASE-001")]
    )
    yield store
    store.close()


@pytest.fixture
def tide(case_store: EmbeddedStore) -> nx.MultiDiGraph:
    """Operation Tide, two hops out."""
    return case_store.neighbourhood([TIDE], hops=2, limit=200)


def section_text(page: str, name: str) -> str:
    """The text a reader sees in one ``<section class=name>`` of a briefing."""
    found = re.search(f'<section class="{name}">(.*?)</section>', page, re.S)
    assert found, f"no {name} section"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def pdf_text(path: Path) -> list[str]:
    """Each page's text as a reader would copy it (ligatures and spacing undone)."""
    from pypdf import PdfReader

    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in PdfReader(path).pages]


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_title_page_and_summary_tell_the_case_in_words(tide: nx.MultiDiGraph) -> None:
    model = load_model()
    page = briefing_html(
        tide, model, title="Operation Tide", author="A. Analyst", question="Who sells the fakes?", made=MADE
    )
    title_page = " ".join(section_text(page, "title-page").split())
    for said in ("Operation Tide", "Author A. Analyst", "Made 2026-11-29 18:30 UTC", "Who sells the fakes?"):
        assert said in title_page
    summary = " ".join(section_text(page, "summary").split())
    sections = {section.heading: section.lines for section in summarise_view(tide, model)}
    assert sections["Cases (1)"] == ["Operation Tide 001 (closed, opened 2025-01-10)"]
    seized = [data["properties"] for _, data in tide.nodes(data=True) if "Seizure" in data["labels"]]
    worth = sum(properties["value"] for properties in seized)
    assert f"seized value {worth:,.0f} EUR" in sections["Seizures"][0]
    assert any("Person (1): Carlos Kovalenko" == line for line in sections["Who is in it"])
    names = {model.display_name(data["labels"], data["properties"], key) for key, data in tide.nodes(data=True)}
    players = sections["Key players"]
    assert players and all(line.split(" (")[0] in names for line in players)  # names, not ids
    assert "by degree" in players[0] and "communities" in sections["Communities"][0]
    for line in [line for lines in sections.values() for line in lines]:
        assert line in summary


def test_sources_are_listed_per_fact_by_name(tide: nx.MultiDiGraph) -> None:
    table = provenance_table(tide, load_model())
    facts = dict(zip(table["fact"], table["sources"], strict=True))
    assert "case:CASE-001" in facts["Operation Tide 001 → Carlos Kovalenko"]
    assert "buys.csv:7" in facts[tide.nodes[STOREFRONT]["properties"]["name"]]
    assert not set(facts) & set(tide.nodes)  # every demo entity has a name: no id stands for it
    assert len(table) == tide.number_of_nodes() + tide.number_of_edges()
    sources = section_text(briefing_html(tide, load_model(), title="Tide"), "sources")
    assert "buys.csv:7" in sources and "Operation Tide 001 → Carlos Kovalenko" in sources


def test_redacted_properties_leave_no_trace_in_the_html(tide: nx.MultiDiGraph) -> None:
    shown = pd.DataFrame(
        {
            "name": ["a storefront"],
            "buyer_persona": [PERSONA],
            "s.buyer_persona": ["Heron Persona 9"],  # a query's column, of a storefront outside the view
            "remark": [f"bought as {PERSONA}"],
        }
    )
    notes = {STOREFRONT: [{"text": f"met {INFORMANT}", "by": "ana", "at": MADE}]}
    options = {"title": "Tide", "notes": f"told by {INFORMANT}", "tables": {"Bought": shown}, "node_notes": notes}
    assert PERSONA in briefing_html(tide, load_model(), **options)  # the test is about something
    page = briefing_html(tide, load_model(), redact=["buyer_persona", "informant"], **options)
    assert PERSONA not in page and INFORMANT not in page and "Heron Persona 9" not in page
    assert "bought as [redacted]" in page and "buyer_persona" not in page
    assert "Carlos Kovalenko" in page  # only what was named goes


def test_a_redacted_display_name_shows_the_key(tide: nx.MultiDiGraph) -> None:
    view = picture_html(tide, load_model(), redact=["name"])
    page = briefing_html(tide, load_model(), title="Tide", redact=["name"])
    for text in (view, page):
        assert "Carlos Kovalenko" not in text and "Operation Tide 001" not in text
    assert "Operation Tide 001" in picture_html(tide, load_model())
    assert f"{TIDE} → {SUSPECT}" in section_text(page, "sources")
    assert f"Person (1): {SUSPECT}" in section_text(page, "summary")


HOSTILE_NAMES = {STOREFRONT: "<img src=x onerror=alert(1)>", SUSPECT: "</iframe><script>alert(5)</script>"}
SPOOFED = f"shop {RLO}exe.txt"  # reads "shopexe.txt" if the override is obeyed


def test_hostile_names_and_notes_stay_text_on_screen_and_in_the_pdf(
    case_store: EmbeddedStore, browser, tmp_path: Path
) -> None:
    renamed = {STOREFRONT: ("SalesChannel", HOSTILE_NAMES[STOREFRONT]), SUSPECT: ("Person", HOSTILE_NAMES[SUSPECT])}
    renamed["SC-001-3"] = ("SalesChannel", SPOOFED)
    case_store.upsert_nodes([NodeRecord((label,), key, {"name": name}) for key, (label, name) in renamed.items()])
    graph = case_store.neighbourhood([TIDE], hops=1, limit=50)
    note = {"text": "</iframe><script>alert(6)</script> seen twice", "by": "<img src=x onerror=alert(7)>", "at": MADE}
    page_html = briefing_html(
        graph, case_store.model, title="Tide <b>review</b>", question=f"who is {RLO}cba?", node_notes={SUSPECT: [note]}
    )
    page, outside, dialogs = offline_page(browser, page_html, tmp_path / "briefing.html")
    page.frame_locator("iframe[title=network]").locator("canvas").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    assert dialogs == [] and outside == []
    legend_glyphs = page.locator(".legend img[src^='data:image/svg+xml;base64,']").count()
    assert legend_glyphs > 0 and page.locator("img").count() == legend_glyphs  # no image the data made
    assert page.locator("script").count() == 0 and page.locator("iframe").count() == 1
    summary, noted = page.locator(".summary").inner_text(), page.locator(".node-notes").inner_text()
    for name in HOSTILE_NAMES.values():
        assert name in summary
    assert "shop [U+202E]exe.txt" in summary and "who is [U+202E]cba?" in page.locator(".question").inner_text()
    assert HOSTILE_NAMES[SUSPECT] in noted and note["text"] in noted and note["by"] in noted
    printed = pdf_text(pdf_of(page_html, tmp_path / "briefing.pdf"))
    every_page = squeezed(" ".join(printed))
    for shown in [*HOSTILE_NAMES.values(), note["text"], note["by"], "shop [U+202E]exe.txt"]:
        assert squeezed(shown) in every_page
    assert RLO not in every_page


def test_export_writes_html_png_and_pdf_without_redacted_properties(
    case_store: EmbeddedStore, cli, browser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    handed: list[str] = []
    taken = png.png_of
    monkeypatch.setattr(
        png, "png_of", lambda view, out, **more: (handed.extend([view, *more.values()]), taken(view, out, **more))[1]
    )
    case_store.close()
    files = {kind: tmp_path / f"b.{kind}" for kind in ("html", "png", "pdf")}
    ran = cli(
        {"GRAPH_DB": str(case_store.path)},
        "graph",
        "export",
        "--center",
        TIDE,
        "--hops",
        "2",
        "--out",
        str(files["html"]),
        "--png",
        str(files["png"]),
        "--pdf",
        str(files["pdf"]),
        "--author",
        "A. Analyst",
        "--question",
        "Who sells the fakes?",
        "--notes",
        f"ask {INFORMANT}",
        "--redact",
        "buyer_persona, informant,name",
    )
    assert ran.returncode == 0, ran.stderr
    assert "note:" not in ran.stderr
    steps = ["reading 2 hop(s) around", "writing the briefing of", "drawing the graph to", "printing the briefing to"]
    said = [ran.stderr.find(step) for step in steps]  # its progress, step by step, on stderr
    assert -1 not in said and said == sorted(said)
    pdf = files["pdf"].read_bytes()
    printed = pdf_text(files["pdf"])
    assert pdf.startswith(b"%PDF") and len(printed) > 1
    assert "A. Analyst" in printed[0] and "Who sells the fakes?" in printed[0]
    assert (
        files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and len(handed) == 3
    )  # the graph, its timeline and its map
    for text in (files["html"].read_text(encoding="utf-8"), *handed, " ".join(printed)):
        for secret in (PERSONA, INFORMANT, "Carlos Kovalenko", "Operation Tide 001"):
            assert secret not in text
    view, _, _ = offline_page(browser, handed[0], tmp_path / "handed.html")
    wait_until(view, "() => typeof network !== 'undefined'")
    labels = view.evaluate("Object.fromEntries(network.body.data.nodes.get().map(n => [n.id, n.label]))")
    assert labels[SUSPECT] == SUSPECT and labels[TIDE] == TIDE  # the name is gone: the node shows its key


def test_export_names_what_it_cannot_do(case_store: EmbeddedStore, cli, tmp_path: Path) -> None:
    case_store.close()
    env = {"GRAPH_DB": str(case_store.path)}
    out = str(tmp_path / "b.html")
    missing = cli(env, "graph", "export", "--center", TIDE, "--out", out, "--pdf", str(tmp_path / "no" / "b.pdf"))
    assert missing.returncode == 2 and "--pdf: the folder" in missing.stderr and not Path(out).exists()
    typo = cli(env, "graph", "export", "--center", TIDE, "--out", out, "--redact", "buyer_persona,informnt")
    assert typo.returncode == 0 and "--redact: no entity or link in the view has the property 'informnt'" in typo.stderr
    assert PERSONA not in Path(out).read_text(encoding="utf-8")


@pytest.mark.browser  # printed by Chromium
def test_briefing_prints_its_title_page_alone_then_the_summary_and_screenshot(
    tide: nx.MultiDiGraph, browser, tmp_path: Path
) -> None:
    page_html = briefing_html(
        tide,
        load_model(),
        title="Operation Tide: who sells the fakes",
        author="A. Analyst",
        question="Who runs the storefronts seized in Operation Tide?",
        notes="Seen on 3 marketplaces.",
        made=MADE,
    )
    printed = pdf_text(pdf_of(page_html, tmp_path / "briefing.pdf"))
    assert "Who runs the storefronts" in printed[0] and "Summary" not in printed[0]
    assert printed[1].startswith("Summary") and "Operation Tide 001" in printed[1]
    assert any("Where the data came from" in text for text in printed[2:])
    page, _, _ = offline_page(browser, page_html, tmp_path / "briefing.html", {"width": 1100, "height": 900})
    summary = page.locator(".summary").bounding_box()
    shot = tmp_path / "briefing.png"
    page.screenshot(
        path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1100, "height": summary["y"] + summary["height"]}
    )
    kept_screenshot(shot, SCREENSHOT)


def test_a_view_of_one_undated_case_reads_as_english() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("C-1", labels=["Case"], properties={"name": "Op X", "opened": None})
    sections = {section.heading: section.lines for section in summarise_view(graph, load_model())}
    assert sections["Who is in it"][0] == "1 entity joined by 0 links."
    assert sections["Cases (1)"] == ["Op X"]
    assert sections["Communities"][1] == "Community 0, 1 member: Op X"
    assert summarise_view(nx.MultiDiGraph(), load_model())[0].lines == ["The view is empty."]


def test_the_summary_says_the_period_the_view_was_cut_to() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("C-1", labels=["Case"], properties={"name": "Op X", "opened": dt.date(2022, 3, 1)})
    period = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    said = "1 entity joined by 0 links that existed or happened from 2022-01-01 to 2022-12-31."
    assert summarise_view(graph, load_model(), period=period)[0].lines[0] == said
    page = briefing_html(graph, load_model(), title="Op X", timeline=TimelineShown(graph, period))
    assert said in " ".join(section_text(page, "summary").split())
    assert summarise_view(nx.MultiDiGraph(), load_model(), period=period)[0].lines == [
        "Nothing in the view existed or happened from 2022-01-01 to 2022-12-31."
    ]
