"""A PNG of a drawn view for slides, and a PDF of a briefing, taken in headless Debian
Chromium by Playwright with every outside request refused."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CHROMIUM", "pdf_of", "png_of"]

CHROMIUM = "/usr/bin/chromium"
T = TypeVar("T")
DRAWN = "typeof network !== 'undefined' && network !== null"
#: Two animation frames after the network exists: its first drawing (and fit) is on screen.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
#: The picture for print: the screenshot of a frame (network, timeline, map), shown in print instead of it.
PRINTED_PICTURE = """([title, png]) => { const frame = document.querySelector('iframe[title=' + title + ']');
  const img = document.createElement('img'); img.className = 'print-only'; img.alt = 'the ' + title;
  img.src = 'data:image/png;base64,' + png; frame.after(img); }"""
TIMELINE_DRAWN = "() => window.timelineDrawn === true"
MAP_DRAWN = "() => window.mapFitted === true"
#: The timeline page's height with every lane shown (for a PNG: no scrolling).
TIMELINE_HEIGHT = "() => ['bar', 'head', 'body'].reduce((sum, id) => sum + document.getElementById(id).offsetHeight, 0)"


def _offline(work: Callable[[Any], T], width: int, height: int, scale: float = 1) -> T:
    """``work`` done on a page of a fresh headless Chromium that can fetch nothing. It runs
    in a thread of its own: Playwright's sync API refuses a thread where an asyncio loop
    runs (a notebook, another Playwright session)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_on_page, work, width, height, scale).result()


def _on_page(work: Callable[[Any], T], width: int, height: int, scale: float) -> T:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page.route("**/*", lambda route: route.abort())
            return work(page)
        finally:
            browser.close()


def _drawn(frame: Any) -> None:
    """Wait until the vis-network in ``frame`` has drawn its first frame."""
    frame.wait_for_function(DRAWN, timeout=60_000)
    frame.evaluate(SETTLED)


def _until(frame: Any, drawn: str, what: str) -> None:
    """Wait until the page in ``frame`` (the timeline, the map) says it has ``drawn`` (asked,
    not awaited with ``wait_for_function``: the page's Content-Security-Policy refuses its
    ``eval``)."""
    for _ in range(600):
        if frame.evaluate(drawn):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} was not drawn within 60 s")


def png_of(
    view_html: str,
    out: Path,
    *,
    width: int = 1400,
    height: int = 900,
    timeline: str | None = None,
    map_page: str | None = None,
) -> Path:
    """Render a pyvis page offline and save its canvas as PNG, with the ``timeline``
    page's lanes (all of them) and the ``map_page`` under it when given."""

    def shoot(page: Any) -> Path:
        page.set_content(view_html, wait_until="load")
        _drawn(page)
        page.locator("#mynetwork").screenshot(path=str(out))
        if timeline is not None:
            page.set_content(timeline, wait_until="load")
            _until(page, TIMELINE_DRAWN, "the timeline")
            page.set_viewport_size({"width": width, "height": min(page.evaluate(TIMELINE_HEIGHT) + 4, 4000)})
            _until(page, TIMELINE_DRAWN, "the timeline")
            _stacked(out, page.screenshot())
        if map_page is not None:
            page.set_viewport_size({"width": width, "height": height})
            page.set_content(map_page, wait_until="load")
            _until(page, MAP_DRAWN, "the map")
            _stacked(out, page.screenshot(full_page=True))
        return out

    return _offline(shoot, width, height)


def _stacked(out: Path, below: bytes) -> None:
    """The picture in ``out`` with the picture ``below`` added under it."""
    from PIL import Image

    with Image.open(out) as top, Image.open(io.BytesIO(below)) as bottom:
        both = Image.new("RGB", (max(top.width, bottom.width), top.height + bottom.height), "white")
        both.paste(top, (0, 0))
        both.paste(bottom, (0, top.height))
    both.save(out)


def pdf_of(briefing: str, out: Path) -> Path:
    """Print a briefing page to an A4 PDF. The interactive picture runs in a sandboxed
    frame that print would cut or leave blank, so the drawn frame is photographed first
    and the photograph printed in its place."""

    def printed(page: Any) -> Path:
        page.set_content(briefing, wait_until="load")
        view = page.locator("iframe[title=network]")
        view.scroll_into_view_if_needed()  # Chromium does not animate a frame out of sight
        _drawn(view.element_handle().content_frame())
        page.evaluate(PRINTED_PICTURE, ["network", base64.b64encode(view.screenshot()).decode("ascii")])
        for title, drawn in (("timeline", TIMELINE_DRAWN), ("map", MAP_DRAWN)):
            if page.locator(f"iframe[title={title}]").count():
                frame = page.locator(f"iframe[title={title}]")
                frame.scroll_into_view_if_needed()
                _until(frame.element_handle().content_frame(), drawn, f"the {title}")
                page.evaluate(PRINTED_PICTURE, [title, base64.b64encode(frame.screenshot()).decode("ascii")])
        page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
        return out

    return _offline(printed, 1100, 900, scale=2)
