"""The app's test graph: the demo rings loaded from CSV through the real loader (so the
overview has load records), plus storefronts whose names are injection attempts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, write_admin_csv
from ingest.history import record_loads
from ingest.loader import load_paths
from tests.conftest import add_injected_storefronts

ROOT = Path(__file__).resolve().parents[2]
EVIL_NAMES = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "![t](http://127.0.0.1:9/x.png) **bold**"]


def fill_demo(store: GraphStore, workspace: Workspace, csv_folder: Path, rings: int = 4) -> None:
    """The demo rings loaded from CSV (each file recorded in ``workspace``), and three
    storefronts named to inject HTML/Markdown."""
    write_admin_csv(generate(rings, seed=1), csv_folder)
    record_loads(workspace, load_paths(store, [csv_folder]))
    add_injected_storefronts(store, EVIL_NAMES)


def build_demo(path: Path, csv_folder: Path, workspace: Workspace) -> Path:
    """The demo graph in an embedded store at ``path``."""
    store = EmbeddedStore(path)
    fill_demo(store, workspace, csv_folder)
    store.close()
    return path


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workspace: Workspace) -> Path:
    """The demo graph, and the app pointed at it (embedded store, the test's workspace,
    own audit log and library)."""
    path = build_demo(tmp_path / "demo.kgl", tmp_path / "csv", workspace)
    monkeypatch.setenv("GRAPH_DB", str(path))
    monkeypatch.setenv("NEO4J_URI", "")
    monkeypatch.setenv("KG_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("KG_USER_QUERIES", str(tmp_path / "queries"))
    return path
