"""Shared fixtures: the two stores the contract suite runs on.

Neo4j: ``NEO4J_URI`` (with ``NEO4J_USERNAME``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``)
when set in the environment -- its database is wiped by the tests -- otherwise a
server this suite starts from ``devserver`` on a free port and stops afterwards.
If that server cannot start, the Neo4j tests fail; they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devserver.neo4j_server import Neo4jServer, free_port
from graph.config import Settings
from graph.embedded_store import EmbeddedStore
from graph.neo4j_store import Neo4jStore
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


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


@pytest.fixture(params=["embedded", "neo4j"])
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

    from graph.snapshot import CHROMIUM

    assert Path(CHROMIUM).exists(), "make chromium installs Debian's Chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def add_injected_storefronts(store: GraphStore, names: list[str]) -> None:
    """Storefronts ``EVIL-i`` named ``names[i]`` (scraped names that try to inject HTML,
    script or Markdown), hosted on the demo's MKT-00."""
    store.upsert_nodes(
        [NodeRecord(("SalesChannel",), f"EVIL-{i}", {"name": name}, source="scrape") for i, name in enumerate(names)]
    )
    store.upsert_relationships(
        [RelationshipRecord("HOSTED_ON", f"EVIL-{i}", "MKT-00", source="scrape") for i in range(len(names))]
    )
