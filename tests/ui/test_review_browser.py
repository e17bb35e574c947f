"""The review queue in the running app (Debian Chromium, every request outside the app
refused): pairs whose names try to inject HTML and script, a very long name and
right-to-left text are shown as text; a pair is accepted with the ``a`` key (merged),
another rejected with its button and with ``r``, decisions undone with the button and
with ``z``, the counts following each step; a Find duplicates run cancelled leaves the
queue as it was. (The README's ``docs/review.png`` is the page on the 100,000-entity demo,
not this hostile queue.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devserver.app_server import serving_app
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from tests.conftest import wait_until
from tests.ui.test_browser import RunningApp, page, settled  # noqa: F401  (page: a fresh session in this module's app)
from tests.ui.test_review_page import LONG, NAMES, hostile_queue

#: The four counts above the pair: pending, accepted, rejected, unsure.
COUNTS = "() => Array.from(document.querySelectorAll('[data-testid=stMetricValue]')).map(m => m.innerText).join(',')"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """``streamlit run app.py`` on the hostile queue, on a free local port; each step of
    long work stays on screen a second (``KG_PROGRESS_PAUSE``), long enough to cancel it."""
    folder = tmp_path_factory.mktemp("review")
    database = folder / "review.kgl"
    hostile_queue(database, Workspace(folder / "workspace.sqlite"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_PROGRESS_PAUSE", "1")
        with serving_app(database, folder) as served:
            yield RunningApp(served.url, database)


def counts_become(tab: Any, expected: str) -> None:
    """Wait until the counts read ``expected`` (pending,accepted,rejected,unsure)."""
    wait_until(tab, f"() => ({COUNTS})() === {expected!r}")
    settled(tab)


def press(tab: Any, key: str) -> None:
    """Press ``key`` once the page's script hears keys for the pair on screen."""
    wait_until(tab, "() => !!(window.kgReviewKeys && window.kgReviewKeys.mounted?.parentElement.isConnected)")
    tab.keyboard.press(key)


def test_review_queue_shows_hostile_names_as_text_and_decides_by_key_and_button(
    page: Any,  # noqa: F811  (the fixture imported above)
    app: RunningApp,
) -> None:
    page.goto(f"{app.url}/review")
    counts_become(page, "3,0,0,0")
    for name in (NAMES["CO-R1"], NAMES["CO-R2"], "<b>12 Harbour Road</b> (ADR-R)", "scrape.csv:2"):
        assert page.get_by_text(name, exact=False).first.is_visible(), name
    press(page, "a")  # accept, from the keyboard
    counts_become(page, "2,1,0,0")
    with EmbeddedStore(app.database) as store:
        assert set(store.locate(["CO-R1", "CO-R2"])) == {"CO-R1"}  # CO-R2 merged into CO-R1
    assert page.get_by_text(LONG[:160] + "… (1,410 characters)").first.is_visible()
    assert page.get_by_text("[U+202E]gnp.exe", exact=False).first.is_visible()  # shown, not obeyed
    page.get_by_role("button", name="Reject (r)").click()  # reject, with the button
    counts_become(page, "1,1,1,0")
    page.get_by_role("button", name="Undo last (z)").click()
    counts_become(page, "2,1,0,0")
    press(page, "r")  # reject again, from the keyboard
    counts_become(page, "1,1,1,0")
    press(page, "u")
    counts_become(page, "0,1,1,1")
    for expected in ("1,1,1,0", "2,1,0,0", "3,0,0,0"):  # undo each, last first, from the keyboard
        press(page, "z")
        counts_become(page, expected)
    with EmbeddedStore(app.database) as store:
        assert set(store.locate(["CO-R1", "CO-R2"])) == {"CO-R1", "CO-R2"}  # the accept's merge undone
    queued = Workspace(app.database.parent / "workspace.sqlite").records("proposals")
    page.locator("summary", has_text="Find duplicates").click()  # the section, folded while pairs wait
    settled(page)  # a click landing during a rerun can act on a button the rerun replaces
    page.get_by_role("button", name="Find duplicates").click()
    page.get_by_test_id("stProgress").wait_for(timeout=30_000)  # its first step: each is held a second
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Cancelled: finding duplicates among Address, Company was stopped").wait_for(timeout=30_000)
    counts_become(page, "3,0,0,0")
    assert Workspace(app.database.parent / "workspace.sqlite").records("proposals") == queued
    for frame in page.frames:
        assert frame.locator("img[src=x], script:has-text('alert')").count() == 0
    assert page.evaluate("() => window.__pwned") is None and page.dialogs == [] and page.outside == []
