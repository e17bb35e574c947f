"""The map of a view: one offline page; in Debian Chromium (every outside request
refused) it draws a demo case's routes and places its seizures at their ports, a click
selects and the parent's selection shows, names that are markup stay text."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import networkx as nx
from PIL import Image

from graph.model import load_model
from graph.views.briefing import briefing_html, map_picture, picture_html
from graph.views.geo import locate
from graph.views.map import map_html
from graph.views.png import pdf_of, png_of
from tests.conftest import RECORD_POSTS, offline_page, turns_true, wait_until
from tests.graph.views.test_briefing import pdf_text
from tests.ui.conftest import PWN


def _hostile() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node(f"A-{PWN}", labels=["Address"], properties={"name": f"</script>{PWN}", "city": PWN, "country": "CN"})
    graph.add_node("P-1", labels=["Person"], properties={"name": f"{PWN} person"})
    return graph


def test_the_page_fetches_nothing_and_hands_names_over_as_data() -> None:
    page = map_html(_hostile(), load_model())
    assert PWN not in page and "</script>" + "<img" not in page
    assert "default-src 'none'" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "1 with no place: Person ×1" in page  # counted and listed, never dropped


def _opened(browser: Any, html_text: str, tmp_path: Path) -> tuple[Any, list[str]]:
    page, requests, _ = offline_page(browser, html_text, tmp_path / "map.html", {"width": 1000, "height": 700})
    wait_until(page, "() => window.mapFitted === true")
    page.evaluate(RECORD_POSTS)
    return page, requests


#: The middle of a drawn path, in the page's coordinates.
_MIDDLE = """selector => { const path = document.querySelector(selector);
  const box = path.ownerSVGElement.getBoundingClientRect(), at = path.getPointAtLength(path.getTotalLength() / 2);
  return [box.left + at.x, box.top + at.y]; }"""


def _tooltip_of(page: Any, selector: str) -> str:
    if selector.startswith("path"):
        page.mouse.move(*page.evaluate(_MIDDLE, selector))
    else:
        page.locator(selector).first.hover(force=True)
    assert turns_true(page, "() => document.getElementById('tip').style.display === 'block'")
    return page.locator("#tip").text_content() or ""


def test_the_map_draws_the_case_routes_and_its_seizures_at_their_ports(
    browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    located = locate(case_view)
    shipments = [key for key, data in case_view.nodes(data=True) if "Shipment" in data["labels"]]
    seizures = [key for key, data in case_view.nodes(data=True) if "Seizure" in data["labels"]]
    assert shipments and seizures and sorted(route.shipment for route in located.routes) == sorted(shipments)
    page, requests = _opened(browser, map_html(case_view, load_model(), located=located), tmp_path)
    drawn = page.evaluate("Array.from(document.querySelectorAll('path.leg')).map(p => p.dataset.shipment)")
    assert sorted(set(drawn)) == sorted(shipments) and len(drawn) == sum(len(r.stops) - 1 for r in located.routes)
    assert page.evaluate("Array.from(document.querySelectorAll('path.leg')).every(p => p.getTotalLength() > 5)")
    for seizure in seizures:
        port = case_view.nodes[seizure]["properties"]["port"].split(" (")[0]
        words = _tooltip_of(page, f'.mark[data-id="{seizure}"]')
        assert f"city: {port}," in words and seizure in words
    route = _tooltip_of(page, f'path.hit[data-shipment="{shipments[0]}"]')
    assert "port of loading: " in route and "port of entry: " in route
    seized = page.locator("#land path[style*='fill']").evaluate_all("paths => paths.map(p => p.dataset.code)")
    assert sorted(seized) == sorted(located.seizures)
    assert requests == []


def test_a_click_selects_marks_and_the_parents_selection_shows(
    browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    page, requests = _opened(browser, map_html(case_view, load_model(), report_clicks=True), tmp_path)
    first, second = page.evaluate("Array.from(document.querySelectorAll('.mark')).slice(0, 2).map(m => m.dataset.id)")
    page.locator(f'.mark[data-id="{first}"]').click(force=True)
    wait_until(page, "() => window.posted.some(m => m.kind === 'selection')")
    assert page.evaluate("window.posted.pop().ids") == [first]
    page.locator(f'.mark[data-id="{second}"]').click(force=True, modifiers=["Control"])
    wait_until(page, "() => window.posted.length > 0")
    assert sorted(page.evaluate("window.posted.pop().ids")) == sorted([first, second])
    page.evaluate("ids => window.postMessage({kind: 'show-selection', ids: ids}, '*')", [second])
    assert turns_true(page, "id => JSON.stringify(window.mapSelected()) === JSON.stringify([id])", second)
    assert page.locator(".mark.selected").count() == 1
    assert requests == []


def test_hostile_names_show_as_text_offline(browser: Any, tmp_path: Path) -> None:
    page, requests = _opened(browser, map_html(_hostile(), load_model()), tmp_path)
    words = _tooltip_of(page, ".mark")
    assert f"</script>{PWN}" in words and "country: China" in words
    page.locator("#unplaced summary").click()
    assert page.locator("#unplaced li").all_inner_texts() == [f"{PWN} person (P-1)"]
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None and requests == []
    assert page.locator("img:not([src^='data:'])").count() == 0


def _frame_drawn(page: Any, ready: str) -> Any:
    """The child frame of ``page`` whose page says ``ready``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames[1:]:
            if frame.evaluate(f"() => {ready}"):
                return frame
        time.sleep(0.1)
    raise AssertionError(f"no frame said {ready}")


def test_a_briefing_carries_the_map_offline_redacted_and_prints_it(
    browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    model = load_model()
    page_html = briefing_html(case_view, model, title="Where the case went", with_map=True, redact=["port"])
    page, requests, _ = offline_page(browser, page_html, tmp_path / "briefing.html", {"width": 1100, "height": 900})
    page.locator("iframe[title=map]").scroll_into_view_if_needed()
    shown = _frame_drawn(page, "window.mapFitted === true")
    shipments = [key for key, data in case_view.nodes(data=True) if "Shipment" in data["labels"]]
    seizures = sorted(key for key, data in case_view.nodes(data=True) if "Seizure" in data["labels"])
    legs = shown.evaluate("Array.from(document.querySelectorAll('path.leg')).map(p => p.dataset.shipment)")
    assert sorted(set(legs)) == sorted(shipments)
    unplaced = " ".join(shown.locator("#unplaced li").all_text_contents())
    assert all(f"({seizure})" in unplaced for seizure in seizures)  # their port redacted: no place
    assert requests == []
    printed = pdf_text(pdf_of(page_html, tmp_path / "briefing.pdf"))
    assert any(text.startswith("Map") for text in printed)
    mapped, plain = tmp_path / "mapped.png", tmp_path / "plain.png"
    png_of(picture_html(case_view, model), mapped, map_page=map_picture(case_view, model))
    png_of(picture_html(case_view, model), plain)
    with Image.open(mapped) as with_map, Image.open(plain) as without:
        assert with_map.height > without.height + 400


#: The land's zoom and where the first mark is drawn, as the page shows them now.
VIEW = """() => [Number(document.getElementById('land').getAttribute('transform').match(/scale\\(([^)]+)\\)/)[1]),
  document.querySelector('.mark').getAttribute('transform')]"""


def test_the_wheel_zooms_a_drag_pans_and_fit_fits_again(
    browser: Any, case_view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    page, requests = _opened(browser, map_html(case_view, load_model()), tmp_path)
    fitted, at = page.evaluate(VIEW)
    page.mouse.move(500, 300)
    page.mouse.wheel(0, -600)
    assert turns_true(page, f"() => ({VIEW})()[0] > {fitted} * 1.5")
    zoomed, moved = page.evaluate(VIEW)
    page.mouse.down()
    page.mouse.move(400, 250, steps=5)
    page.mouse.up()
    panned, dragged_to = page.evaluate(VIEW)
    assert panned == zoomed and dragged_to != moved
    page.locator("#zoom-fit").click()
    assert page.evaluate(VIEW) == [fitted, at] and requests == []
