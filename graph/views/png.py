"""A PNG of a drawn view for slides, and a PDF of a briefing, taken in headless Debian
Chromium by Playwright with every outside request refused."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "pdf_of", "png_of"]

CHROMIUM = "/usr/bin/chromium"
DRAWN = "typeof network !== 'undefined' && network !== null"
#: Two animation frames after the network exists: its first drawing (and fit) is on screen.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
#: The picture for print: the screenshot of the view, shown in print instead of the frame.
PRINTED_PICTURE = """png => { const frame = document.querySelector('iframe[title=network]');
  const img = document.createElement('img'); img.className = 'print-only'; img.alt = 'the network';
  img.src = 'data:image/png;base64,' + png; frame.after(img); }"""


@contextmanager
def _offline_page(width: int, height: int, scale: float = 1) -> Iterator[Any]:
    """A page of a fresh headless Chromium that can fetch nothing."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page.route("**/*", lambda route: route.abort())
            yield page
        finally:
            browser.close()


def _drawn(frame: Any) -> None:
    """Wait until the vis-network in ``frame`` has drawn its first frame."""
    frame.wait_for_function(DRAWN, timeout=60_000)
    frame.evaluate(SETTLED)


def png_of(view_html: str, out: Path, *, width: int = 1400, height: int = 900) -> Path:
    """Render a pyvis page offline and save its canvas as PNG."""
    with _offline_page(width, height) as page:
        page.set_content(view_html, wait_until="load")
        _drawn(page)
        page.locator("#mynetwork").screenshot(path=str(out))
    return out


def pdf_of(briefing: str, out: Path) -> Path:
    """Print a briefing page to an A4 PDF. The interactive picture runs in a sandboxed
    frame that print would cut or leave blank, so the drawn frame is photographed first
    and the photograph printed in its place."""
    with _offline_page(1100, 900, scale=2) as page:
        page.set_content(briefing, wait_until="load")
        view = page.locator("iframe[title=network]")
        view.scroll_into_view_if_needed()  # Chromium does not animate a frame out of sight
        _drawn(view.element_handle().content_frame())
        picture = view.screenshot()
        page.evaluate(PRINTED_PICTURE, base64.b64encode(picture).decode("ascii"))
        page.pdf(path=str(out), format="A4", print_background=True, margin={"top": "15mm", "bottom": "15mm"})
    return out
