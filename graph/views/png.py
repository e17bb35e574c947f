"""A PNG of a drawn view for slides, taken in headless Debian Chromium by Playwright."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHROMIUM", "png_of"]

CHROMIUM = "/usr/bin/chromium"


def png_of(view_html: str, out: Path, *, width: int = 1400, height: int = 900) -> Path:
    """Render a pyvis page offline (every request refused) and save its canvas as PNG."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.abort())
            page.set_content(view_html, wait_until="load")
            page.wait_for_function("typeof network !== 'undefined' && network !== null", timeout=60_000)
            page.locator("#mynetwork").screenshot(path=str(out))
        finally:
            browser.close()
    return out
