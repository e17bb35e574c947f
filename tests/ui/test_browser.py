"""The running app in a real browser (Debian Chromium through Playwright): search,
draw, expand, run a saved query, export a briefing (HTML, PDF with a property redacted,
PNG) and open it offline, with names
from scraped data that try to run script, and a hostile view whose every node is hovered.
Also takes the README's screenshot (``make screenshots`` writes it to ``docs/explore.png``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from devserver.app_server import serving_app
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from tests.conftest import frame_where, kept_screenshot, offline_page
from tests.ui.conftest import EVIL_NAMES, HUB_SPOKES, PWN, ROOT, add_hostile_hub, build_demo, hover_every_node

SCREENSHOT = ROOT / "docs" / "explore.png"
LOOKS = "network.body.data.nodes.get().map(n => [n.id, n.color, n.size, n.borderWidth]).sort()"


@dataclass(frozen=True)
class RunningApp:
    url: str
    database: Path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """``streamlit run app.py`` on the demo graph, on a free local port; each step of long
    work stays on screen a second (``KG_PROGRESS_PAUSE``), long enough to cancel it."""
    folder = tmp_path_factory.mktemp("app")
    database = build_demo(folder / "demo.kgl", folder / "csv", Workspace(folder / "workspace.sqlite"))
    with EmbeddedStore(database) as store:
        add_hostile_hub(store)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_PROGRESS_PAUSE", "1")
        with serving_app(database, folder) as served:
            yield RunningApp(served.url, database)


@pytest.fixture
def page(browser: Any, app: RunningApp) -> Iterator[Any]:
    """A fresh session; requests anywhere but the app are refused and recorded, dialogs too."""
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.outside, tab.dialogs = [], []

    def route(request_route: Any) -> None:
        address = request_route.request.url
        if address.startswith(app.url) or address.startswith(("about:", "data:", "blob:")):
            request_route.continue_()
        else:
            tab.outside.append(address)
            request_route.abort()

    context.route("**/*", route)
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def network_frame(tab: Any, *, timeout: float = 60) -> Any:
    """The frame whose vis-network has drawn (the sandboxed view inside the app)."""
    return frame_where(tab, "typeof network !== 'undefined' && network !== null", "network view", timeout=timeout)


def drawn(tab: Any, *, other_than: int | None = None, timeout: float = 60) -> int:
    """Nodes on the canvas, once the view has settled (and differs from ``other_than``)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            count = network_frame(tab).evaluate("network.body.data.nodes.length")
            if count != other_than:
                return count
        except Exception:
            count = None
        if time.monotonic() > deadline:
            raise AssertionError(f"the view still shows {count} nodes")
        tab.wait_for_timeout(250)


def search_and_show(tab: Any, app: RunningApp, text: str) -> None:
    tab.goto(f"{app.url}/explore")
    box = tab.get_by_label("Search an entity")
    box.fill(text)
    box.press("Enter")
    tab.get_by_role("button", name="Show", exact=True).click()
    settled(tab)


def settled(tab: Any, *, timeout: float = 60) -> None:
    """Wait until the app has finished the run an input caused: a click landing during a
    rerun can act on a button the rerun replaces (a download that never starts)."""
    tab.wait_for_timeout(300)  # the rerun has been asked for
    tab.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout * 1000,
    )


def open_expander(tab: Any, title: str) -> None:
    """Open an expander: scrolled to first, as the table above it changes height once in
    sight (a click that scrolled by itself landed beside it)."""
    summary = tab.locator("summary").filter(has_text=title)
    summary.scroll_into_view_if_needed()
    tab.wait_for_timeout(300)
    summary.click()
    tab.locator("details").filter(has=summary).and_(tab.locator("details[open]")).wait_for(timeout=10_000)


def choose(tab: Any, label: str, option_text: str, *, attempts: int = 5) -> None:
    """Pick an option of a Streamlit select box by (part of) its text. A rerun that was
    still finishing can replace the box under the pointer (detached from the page): the
    pick is tried again once the app is idle, and the last failure is raised."""
    for attempt in range(attempts):
        try:
            settled(tab)
            box = tab.get_by_role("combobox", name=label)
            box.scroll_into_view_if_needed(timeout=10_000)  # a click that scrolled by itself can miss
            box.click(timeout=10_000)
            tab.get_by_role("option").filter(has_text=option_text).first.click(timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            tab.keyboard.press("Escape")  # a list left open would take the next click


def centres(tab: Any) -> list[str]:
    """The highlighted nodes of the view (its centres)."""
    return network_frame(tab).evaluate("network.body.data.nodes.get().filter(n => n.borderWidth === 4).map(n => n.id)")


def test_search_draw_expand_and_screenshot(page: Any, app: RunningApp, tmp_path: Path) -> None:
    search_and_show(page, app, "operation")
    first = drawn(page)
    [case] = centres(page)
    _, neighbours = EmbeddedStore(app.database).neighbours(case)
    assert case.startswith("CASE-") and first == neighbours + 1
    choose(page, "Selected node", "(SC-")
    page.get_by_role("button", name="Expand", exact=True).click()
    grown = drawn(page, other_than=first)
    assert grown > first
    page.get_by_role("button", name="↶ Undo").click()
    settled(page)
    set_hops(page, 2)  # the README's picture: the case two hops out
    assert drawn(page, other_than=first) > first
    page.wait_for_timeout(1000)
    shot = tmp_path / "explore.png"
    page.screenshot(path=str(shot))
    kept_screenshot(shot, SCREENSHOT)
    assert page.outside == [] and page.dialogs == []


def test_injected_names_stay_text_in_app(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "MKT-00")
    drawn(page)
    tooltips = network_frame(page).evaluate("network.body.data.nodes.get().map(n => n.title)")
    assert all(any(name in tip for tip in tooltips) for name in EVIL_NAMES)  # whole, as text
    choose(page, "Selected node", "(EVIL-0)")
    settled(page)  # until then the rerun can show the box twice (the one it replaces, faded)
    assert page.get_by_role("combobox", name="Selected node").input_value() == f"{EVIL_NAMES[0]} (EVIL-0)"
    choose(page, "Selected node", "(EVIL-1)")
    settled(page)
    assert page.get_by_role("combobox", name="Selected node").input_value() == f"{EVIL_NAMES[1]} (EVIL-1)"
    for frame in page.frames:
        assert frame.locator("img[src=x], svg[onload], img[src*='127.0.0.1:9']").count() == 0
    assert page.dialogs == [] and page.outside == []


def test_saved_query_runs_in_app(page: Any, app: RunningApp) -> None:
    page.goto(f"{app.url}/queries")
    choose(page, "Query", "An entity and everything within 2 hops")
    page.get_by_role("textbox", name="entity (entity)").fill("CASE-001")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("As a graph").wait_for(timeout=60_000)
    assert drawn(page) > 4
    assert page.dialogs == [] and page.outside == []


def test_briefing_export_opens_offline(page: Any, app: RunningApp, browser: Any, tmp_path: Path) -> None:
    search_and_show(page, app, "MKT-00")
    nodes = drawn(page)
    on_screen = network_frame(page).evaluate(LOOKS)
    open_expander(page, "Export a briefing")
    page.get_by_role("textbox", name="Notes for the reader").fill(
        "<script>alert('notes')</script> Ring seen on three platforms"
    )
    page.get_by_role("textbox", name="Notes for the reader").press("Control+Enter")
    settled(page)
    page.get_by_role("textbox", name="Author").fill("A. Analyst")
    page.get_by_role("textbox", name="Author").press("Enter")
    settled(page)
    redact = page.get_by_role("combobox", name="Redact properties")
    redact.fill("kind")  # every storefront's kind: "storefront"
    redact.press("Enter")
    redact.press("Escape")
    settled(page)
    page.get_by_role("button", name="Make the briefing").click()
    page.get_by_test_id("stProgress").filter(has_text="printing the briefing to PDF in Chromium").wait_for(
        timeout=60_000
    )
    settled(page, timeout=120)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Briefing (HTML)").click()
    briefing = tmp_path / "briefing.html"
    download.value.save_as(briefing)
    settled(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Briefing (PDF)").click()
    printed = tmp_path / "briefing.pdf"
    download.value.save_as(printed)
    settled(page)
    assert printed.read_bytes().startswith(b"%PDF")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(printed).pages)
    assert "A. Analyst" in text and "Ring seen on three platforms" in text
    assert "storefront" not in text and "storefront" not in briefing.read_text(encoding="utf-8")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Graph image (PNG)").click()
    png = tmp_path / "graph.png"
    download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # a reader's browser with no network at all
    reader, requests, dialogs = offline_page(browser, briefing.read_text(encoding="utf-8"), tmp_path / "read.html")
    reader.frame_locator("iframe[title=network]").locator("canvas").wait_for(timeout=30_000)
    assert reader.frames[1].evaluate("network.body.data.nodes.length") == nodes
    assert reader.frames[1].evaluate(LOOKS) == on_screen  # the view as it was on screen
    assert "Ring seen on three platforms" in reader.locator(".notes").inner_text()
    reader.wait_for_timeout(500)
    assert requests == [] and dialogs == []
    reader.context.close()


def node_point(tab: Any, node: str, *, timeout: float = 30) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates, once it is still and on top at that spot."""
    where = (
        "node => { const at = network.getPositions([node])[node]; const p = network.canvasToDOM(at);"
        " const r = network.body.container.getBoundingClientRect();"
        " return {x: r.left + p.x, y: r.top + p.y, top: String(network.getNodeAt(p))}; }"
    )
    deadline = time.monotonic() + timeout
    previous = None
    while True:
        frame = network_frame(tab)
        spot = frame.evaluate(where, node)
        if spot == previous and spot["top"] == node:
            box = frame.frame_element().bounding_box()
            return box["x"] + spot["x"], box["y"] + spot["y"]
        assert time.monotonic() < deadline, f"{node} is not still and on top: {spot}"
        previous = spot
        tab.wait_for_timeout(300)


def click_node(tab: Any, node: str) -> None:
    """Click a node, again if the view moved under the pointer (a resize refits the
    drawing) so that vis-network selected nothing; a click it did select is never
    repeated, so a lost selection message still fails the test."""
    for _attempt in range(3):
        tab.mouse.click(*node_point(tab, node))
        tab.wait_for_timeout(500)
        if network_frame(tab).evaluate("network.getSelectedNodes()"):
            return


def test_click_selects_and_double_click_expands(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "operation")
    first = drawn(page)
    ids = network_frame(page).evaluate("network.body.data.nodes.getIds()")
    storefront = sorted(node for node in ids if node.startswith("SC-"))[0]
    settled(page)
    click_node(page, storefront)
    chooser = page.get_by_role("combobox", name="Selected node")
    deadline = time.monotonic() + 30
    while not chooser.input_value().endswith(f"({storefront})"):
        assert time.monotonic() < deadline, chooser.input_value()
        page.wait_for_timeout(250)
    settled(page)  # the rerun the click caused has drawn
    page.mouse.dblclick(*node_point(page, storefront))
    assert drawn(page, other_than=first) > first
    assert page.dialogs == [] and page.outside == []


def test_hovering_every_node_of_a_hostile_view_runs_nothing(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "Hostile hub")
    drawn(page)
    tooltips = hover_every_node(page, network_frame(page))
    assert [frame.evaluate("window.__pwned") for frame in page.frames] == [None] * len(page.frames)
    assert page.outside == [] and page.dialogs == []
    assert f"{HUB_SPOKES - 25} more neighbours of EVIL-HUB-hr\u200bef-{PWN}" in tooltips  # text, as typed
    assert len(tooltips) == 1 + 25 + 1 and all(PWN in tip for tip in tooltips)  # hub, spokes shown, "+ 5 more"


def node_ids(tab: Any) -> list[str]:
    """The ids of the nodes drawn, sorted."""
    return sorted(network_frame(tab).evaluate("network.body.data.nodes.getIds()"))


def set_hops(tab: Any, hops: int) -> None:
    """Move the Hops slider with the keyboard, as a user can, from where it shows."""
    slider = tab.get_by_test_id("stSlider").filter(has_text="Hops")
    now = int(slider.get_by_test_id("stSliderThumbValue").inner_text())
    thumb = slider.get_by_role("slider")
    thumb.focus()
    for _ in range(abs(hops - now)):
        thumb.press("ArrowRight" if hops > now else "ArrowLeft")
    settled(tab)


def redrawn(tab: Any, before: list[str], *, timeout: float = 60) -> list[str]:
    """The view's node ids once they differ from ``before``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            now = node_ids(tab)
        except Exception:  # the view's frame was replaced by a rerun while it was read
            now = before
        if now != before:
            return now
        assert time.monotonic() < deadline, "the view did not change"
        tab.wait_for_timeout(250)


def test_undo_redo_and_the_breadcrumb(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "operation")
    one_hop = node_ids(page)
    set_hops(page, 2)
    two_hops = redrawn(page, one_hop)
    assert len(two_hops) > len(one_hop)
    assert "Hops: 2" in page.get_by_text("Steps:").inner_text()
    page.get_by_role("button", name="↶ Undo").click()
    settled(page)
    assert redrawn(page, two_hops) == one_hop
    page.get_by_role("button", name="↷ Redo").click()
    settled(page)
    assert redrawn(page, one_hop) == two_hops
    assert page.outside == [] and page.dialogs == []


def test_group_and_ungroup_in_place(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "operation")
    before = node_ids(page)
    storefronts = [node for node in before if node.startswith("SC-")]
    assert len(storefronts) >= 2
    choose(page, "Group", "sales channels")
    page.get_by_role("button", name="Group", exact=True).click()
    settled(page)
    grouped = redrawn(page, before)
    [group] = [node for node in grouped if node.startswith("group:")]
    assert not set(storefronts) & set(grouped) and len(grouped) == len(before) - len(storefronts) + 1
    label = network_frame(page).evaluate("id => network.body.data.nodes.get(id).label", group)
    assert str(len(storefronts)) in label
    page.get_by_role("button", name="Expand group").click()
    settled(page)
    assert redrawn(page, grouped) == before
    page.get_by_role("button", name="↶ Undo").click()  # collapsed again
    settled(page)
    assert redrawn(page, before) == grouped
    assert page.outside == [] and page.dialogs == []


def test_table_and_view_select_together_and_the_filter_narrows_the_view(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "operation")
    ids = node_ids(page)
    storefront = sorted(node for node in ids if node.startswith("SC-"))[0]
    settled(page)
    click_node(page, storefront)
    settled(page)
    deadline = time.monotonic() + 30
    while table_rows(page)[1][:2] != ["true", storefront]:  # the view's nodes, selected ones first
        assert time.monotonic() < deadline, "the table did not follow the view's selection"
        page.wait_for_timeout(250)
    tick_row(page, 1)  # the second row: another node, added to the selection
    settled(page)
    deadline = time.monotonic() + 30
    while len(network_frame(page).evaluate("network.getSelectedNodes()")) != 2:
        assert time.monotonic() < deadline, f"the view did not follow the table: {table_rows(page)[:3]}"
        page.wait_for_timeout(250)
    box = page.get_by_role("textbox", name="Filter the table and the view")
    box.fill("SC-")
    box.press("Enter")
    settled(page)
    narrowed = redrawn(page, ids)
    assert set(narrowed) <= {node for node in ids if node.startswith(("SC-", "CASE-"))}  # the centre stays
    assert page.outside == [] and page.dialogs == []


ROWS = """() => {
  const grid = document.querySelector('[data-testid=stDataFrame]');
  const rows = grid ? [...grid.querySelectorAll('table tr')] : [];
  return rows.map(r => [...r.querySelectorAll('td, th')].map(c => c.innerText.trim()));
}"""


#: Streamlit's table: its rows' height, and where a row's tick box sits from the grid's left edge (px).
ROW_HEIGHT, BOX_X = 35, 69


def table_rows(tab: Any) -> list[list[str]]:
    """The node table's rows as (ticked, key), header first, read from the grid's accessible table."""
    rows = [[cells[0], cells[3]] for cells in tab.evaluate(ROWS) if len(cells) > 3]
    return rows + [[], []][len(rows) :]


def tick_row(tab: Any, row: int) -> None:
    """Tick the box of a data row of the node table (the grid is drawn on a canvas). Tried
    again while that node is not ticked: a key press landing while a rerun replaces the
    table is lost, and now and then the grid keeps the clicked cell but ignores the arrow
    key. So the tries alternate between the keyboard, as a user can (its name cell
    clicked, one cell left, space), and a click on the row's box itself (a tick that took
    is never repeated, so it cannot be undone here)."""
    node = table_rows(tab)[row + 1][1]
    for attempt in range(6):  # a busy machine reruns slowly: each try waits up to 10 s
        settled(tab)  # a click while the last tick's rerun redraws the grid is lost
        grid = tab.get_by_test_id("stDataFrame").first
        grid.scroll_into_view_if_needed()
        tab.wait_for_timeout(300)
        box = grid.bounding_box()
        y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
        if attempt % 2:
            tab.mouse.click(box["x"] + BOX_X, y)
        else:
            tab.mouse.click(box["x"] + box["width"] / 3, y)
            tab.keyboard.press("ArrowLeft")
            tab.keyboard.press(" ")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            settled(tab)
            if ["true", node] in table_rows(tab):
                return
            tab.wait_for_timeout(250)
    raise AssertionError(f"the table's box for {node} could not be ticked: {table_rows(tab)[:4]}")


def test_saved_view_reopens_and_a_link_reopens_the_view_in_another_browser(
    page: Any, app: RunningApp, browser: Any
) -> None:
    search_and_show(page, app, "operation")
    one_hop = node_ids(page)
    set_hops(page, 2)
    view = redrawn(page, one_hop)
    open_expander(page, "Saved views and link")
    page.get_by_role("textbox", name="Name", exact=True).fill("Tide ring, 2 hops")
    page.get_by_role("textbox", name="Tags (comma-separated)").fill("tide, briefing")
    page.get_by_role("button", name="Save this view").click()
    settled(page)
    link = page.url
    assert "view=" in link
    page.get_by_role("button", name="Clear view").click()
    settled(page)
    choose(page, "Saved views", "Tide ring, 2 hops")
    page.get_by_role("button", name="Open saved view").click()
    settled(page)
    assert node_ids(page) == view

    other = browser.new_context(viewport={"width": 1600, "height": 1100})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        deadline = time.monotonic() + 60
        while True:
            try:
                if node_ids(fresh) == view:
                    break
            except AssertionError:
                pass
            assert time.monotonic() < deadline, "the link did not reopen the view"
            fresh.wait_for_timeout(500)
    finally:
        other.close()
    assert page.outside == [] and page.dialogs == []


def test_a_note_is_kept_with_its_author_and_shown_as_text(page: Any, app: RunningApp) -> None:
    search_and_show(page, app, "operation")
    page.get_by_role("textbox", name="Your name (for notes and saved views)").fill("Det. Insp. Moss")
    page.get_by_role("textbox", name="Your name (for notes and saved views)").press("Enter")
    settled(page)
    note = f"<img src=x onerror=alert(1)>{PWN} seen at Felixstowe"
    page.get_by_role("textbox", name="Add a note").fill(note)
    page.get_by_role("button", name="Add note").click()
    settled(page)
    page.get_by_text("seen at Felixstowe").first.wait_for(timeout=30_000)
    assert page.get_by_text("Det. Insp. Moss").count() >= 1
    for frame in page.frames:
        assert frame.locator("img[src=x]").count() == 0
    assert page.outside == [] and page.dialogs == []


def test_a_community_run_shows_its_progress_and_a_cancel_writes_nothing(page: Any, app: RunningApp) -> None:
    page.goto(app.url)
    page.get_by_role("button", name="Find and save communities").click()
    bar = page.get_by_test_id("stProgress")
    bar.filter(has_text="reading nodes").wait_for(timeout=30_000)
    page.screenshot(path=str(app.database.parent / "progress.png"))
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Cancelled: finding communities was stopped before it finished").wait_for(timeout=30_000)
    settled(page)
    assert bar.count() == 0 and page.get_by_role("button", name="Find and save communities").count() == 1
    with EmbeddedStore(app.database) as store:
        assert store.query("MATCH (n) WHERE n.community IS NOT NULL RETURN count(n) AS n")["n"][0] == 0
    assert Workspace(app.database.parent / "workspace.sqlite").records("analysis_runs") == []
    assert page.outside == [] and page.dialogs == []
