"""The map in the running app (Debian Chromium, every request outside the app refused):
under a case's view it draws the case's routes and seizures, and a selection made on the
map shows in the graph and the other way round. Also takes the README's picture of the
map (``UPDATE_SCREENSHOTS=1``, as ``make screenshots`` sets it, writes ``docs/map.png``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import frame_where, kept_screenshot, wait_until
from tests.ui.conftest import ROOT
from tests.ui.test_browser import (  # noqa: F401  (app and page are the fixtures this module runs on)
    RunningApp,
    app,
    click_node,
    drawn,
    network_frame,
    page,
    search_and_show,
    set_hops,
    settled,
)

SCREENSHOT = ROOT / "docs" / "map.png"
#: The nodes drawn on the map whose key starts with a prefix.
MARKS = "p => Array.from(document.querySelectorAll('.mark')).map(m => m.dataset.id).filter(id => id.startsWith(p))"


def map_frame(tab: Any, *, showing: str = "", timeout: float = 60) -> Any:
    """The frame whose map has drawn (the sandboxed map inside the app), with a mark of
    a node whose key starts with ``showing``."""
    fitted = f"p => window.mapFitted === true && ({MARKS})(p).length > 0"
    return frame_where(tab, fitted, f"map with a mark of {showing}...", showing, timeout=timeout)


def test_map_and_graph_select_together_and_screenshot(page: Any, app: RunningApp, tmp_path: Path) -> None:  # noqa: F811
    search_and_show(page, app, "operation")
    first = drawn(page)
    set_hops(page, 2)  # the case's seizures, and their shipments
    drawn(page, other_than=first)
    ids = set(network_frame(page).evaluate("network.body.data.nodes.getIds()"))
    shown = map_frame(page, showing="SHP-")
    seizures, shipments = shown.evaluate(MARKS, "SZ-"), shown.evaluate(MARKS, "SHP-")
    assert seizures and shipments and set(seizures + shipments) <= ids
    legs = shown.evaluate("Array.from(document.querySelectorAll('path.leg')).map(p => p.dataset.shipment)")
    assert sorted(set(legs)) == sorted(shipments)
    shown.frame_element().scroll_into_view_if_needed()
    shown.locator(f'.mark[data-id="{seizures[0]}"]').click(force=True)
    wait_until(
        network_frame(page), "id => JSON.stringify(network.getSelectedNodes()) === JSON.stringify([id])", seizures[0]
    )
    settled(page)
    network_frame(page).frame_element().scroll_into_view_if_needed()
    click_node(page, shipments[0])
    wait_until(map_frame(page), "id => JSON.stringify(window.mapSelected()) === JSON.stringify([id])", shipments[0])
    settled(page)
    frame = map_frame(page).frame_element()
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] - 8, steps=5)  # under the map: no tooltip
    page.wait_for_timeout(500)
    shot = tmp_path / "map.png"
    frame.screenshot(path=str(shot))
    kept_screenshot(shot, SCREENSHOT)
    assert page.outside == [] and page.dialogs == []
