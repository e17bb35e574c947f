"""Shared fixtures: the two stores the contract suite runs on, and a workspace.

Neo4j: ``NEO4J_URI`` (with ``NEO4J_USERNAME``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``)
when set in the environment -- its database is wiped by the tests -- otherwise a
server this suite starts from ``devserver`` on a free port and stops afterwards.
If that server cannot start, the Neo4j tests fail; they never skip.

Markers: every test that uses Neo4j is marked ``neo4j`` and every test that drives
Chromium ``browser`` (from the fixtures they use), so ``pytest -m "not neo4j and not
browser"`` is the quick loop. A marked test that skips is reported as a failure: in
``make test`` (and CI) they must run.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from devserver.neo4j_server import Neo4jServer, free_port
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, Settings
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.workspace import Workspace

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
#: Fixtures that bring a real server or browser, and the marker each one puts on a test.
MARKING_FIXTURES = {"neo4j_settings": "neo4j", "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKING_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    marked = [name for name in MARKING_FIXTURES.values() if item.get_closest_marker(name)]
    if report.skipped and marked:
        report.outcome = "failed"
        report.longrepr = f"a {marked[0]} test skipped ({report.longrepr}); make test must run every one"
    return report


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """Each test's own workspace (``KG_WORKSPACE``), audit log and query folder, so no
    test writes to data/."""
    path = tmp_path / "workspace.sqlite"
    monkeypatch.setenv("KG_WORKSPACE", str(path))
    monkeypatch.setenv("KG_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("KG_USER_QUERIES", str(tmp_path / "mine"))
    monkeypatch.setenv("KG_READER_IDLE", "60")  # a reader a test starts leaves soon after it
    return Workspace(path)


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for a real Neo4j server, started here unless NEO4J_URI names one."""
    if os.environ.get("NEO4J_URI", "").strip():
        yield Settings.from_env(env_file=os.devnull)
        return
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j"), port=free_port())
    server.start()  # raises, failing every Neo4j test, if the server cannot start
    try:
        yield Settings(neo4j_uri=server.uri, neo4j_username=server.username, neo4j_password=server.password)
    finally:
        server.stop()


@pytest.fixture
def neo4j_store(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    store = Neo4jStore(
        neo4j_settings.neo4j_uri,
        neo4j_settings.neo4j_username,
        neo4j_settings.neo4j_password,
        neo4j_settings.neo4j_database or None,
    )
    store.clear()
    yield store
    store.close()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "graph.kgl")
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each contract test runs once per store and expects the same answers."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Environment variables pointing a subprocess at the parametrized store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "GRAPH_DB"}
    store = request.getfixturevalue("store")
    if isinstance(store, EmbeddedStore):
        env["GRAPH_DB"] = str(store.path)
    else:
        settings = request.getfixturevalue("neo4j_settings")
        env.update(
            NEO4J_URI=settings.neo4j_uri,
            NEO4J_USERNAME=settings.neo4j_username,
            NEO4J_PASSWORD=settings.neo4j_password,
            NEO4J_DATABASE=settings.neo4j_database,
        )
    return env


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (``make chromium`` installs it)."""
    from playwright.sync_api import sync_playwright

    from graph.views.png import CHROMIUM

    assert Path(CHROMIUM).exists(), "make chromium installs Debian's Chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


#: Every message a page posts to its parent (itself, when it is the top page), kept in ``window.posted``.
RECORD_POSTS = "() => { window.posted = []; window.addEventListener('message', e => window.posted.push(e.data)); }"


def offline_page(
    browser: Any, html_text: str, path: Path, viewport: Mapping[str, int] | None = None
) -> tuple[Any, list[str], list[str]]:
    """``html_text`` written to ``path`` and opened in a new page (of ``viewport``) that may
    load that file and nothing else, as a reader with no network would: every other
    request is refused and its address kept in ``requests``; a dialog is dismissed and its
    message kept in ``dialogs``. Returns ``(page, requests, dialogs)``."""
    path.write_text(html_text, encoding="utf-8")
    page = browser.new_page(**({"viewport": dict(viewport)} if viewport else {}))
    requests: list[str] = []
    dialogs: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url == path.as_uri()
            else (requests.append(route.request.url), route.abort())
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    return page, requests, dialogs


def add_injected_storefronts(store: GraphStore, names: list[str]) -> None:
    """Storefronts ``EVIL-i`` named ``names[i]`` (scraped names that try to inject HTML,
    script or Markdown), hosted on the demo's MKT-00."""
    store.upsert_nodes(
        [NodeRecord(("SalesChannel",), f"EVIL-{i}", {"name": name}, source="scrape") for i, name in enumerate(names)]
    )
    store.upsert_relationships(
        [RelationshipRecord("HOSTED_ON", f"EVIL-{i}", "MKT-00", source="scrape") for i in range(len(names))]
    )


@dataclass(frozen=True)
class Ran:
    """What a command printed and its exit status."""

    returncode: int
    stdout: str
    stderr: str


#: The variables that configure a command: all others are left as they are.
CONFIGURATION = ("NEO4J_", "KG_", "GRAPH_DB")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Callable[..., Ran]:
    """``cli(env, "graph" | "ingest", *args)``: the command line run in this process (a
    fresh process costs seconds of imports), configured only by ``env``'s variables and
    from a folder without a ``.env`` file. ``tests/graph/cli/test_main.py`` also runs it
    as a fresh process."""
    from graph.cli import main as graph_main
    from ingest.__main__ import main as ingest_main

    programs = {"graph": graph_main, "ingest": ingest_main}

    def run(env: Mapping[str, str], program: str, *args: str) -> Ran:
        with monkeypatch.context() as patch:
            patch.chdir(tmp_path)
            for name in os.environ:
                if name.startswith(CONFIGURATION):
                    patch.delenv(name)
            for name, value in env.items():
                if name.startswith(CONFIGURATION):
                    patch.setenv(name, value)
            capsys.readouterr()
            try:
                code = programs[program](list(args))
            except SystemExit as exit_:  # argparse's refusal of bad arguments
                code = exit_.code if isinstance(exit_.code, int) else 2
            out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def turns_true(frame: Any, function: str, arg: Any = None, *, timeout: float = 30.0) -> bool:
    """Whether ``function`` of ``arg``, asked in ``frame`` every 0.1 s, answers true within
    ``timeout`` seconds. Playwright's ``wait_for_function`` compiles its predicate with
    ``eval`` in the page, which the Content-Security-Policy of our drawings and briefings
    refuses (as it should) once the frame has read it; ``evaluate`` is not page script."""
    deadline = time.monotonic() + timeout
    while not _asked(frame, function, arg):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _asked(frame: Any, function: str, arg: Any) -> Any:
    """``function``'s answer in ``frame``; False while the frame is loading a new page."""
    try:
        return frame.evaluate(function, arg)
    except PlaywrightError as error:
        if "context was destroyed" in str(error):
            return False
        raise


def wait_until(frame: Any, function: str, arg: Any = None, *, timeout: float = 30.0) -> None:
    """:func:`turns_true`, or fail the test naming what never came."""
    assert turns_true(frame, function, arg, timeout=timeout), f"waited {timeout:g} s for {function}"


def frame_where(tab: Any, function: str, what: str, arg: Any = None, *, timeout: float = 60) -> Any:
    """The first frame of ``tab`` where ``function`` of ``arg`` answers true (the app's
    sandboxed drawing, timeline or map), or fail the test saying ``what`` never came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in tab.frames:
            try:
                if frame.evaluate(function, arg):
                    return frame
            except PlaywrightError:  # a frame being replaced by a rerun
                continue
        tab.wait_for_timeout(250)
    raise AssertionError(f"no {what} was drawn")


def kept_screenshot(shot: Path, picture: Path) -> None:
    """A screenshot that shows something, copied to the README's ``picture`` when
    ``UPDATE_SCREENSHOTS`` is set (``make screenshots``)."""
    assert shot.stat().st_size > 20_000
    if os.environ.get("UPDATE_SCREENSHOTS"):
        picture.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, picture)
