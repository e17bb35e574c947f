"""The app's test graph: the demo rings loaded from CSV through the real loader (so the
overview has load records), plus storefronts whose names are injection attempts; a
hostile hub (key, name, property names and values) and a way to hover every node of a
drawn view, for the browser tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, write_admin_csv
from ingest.history import record_loads
from ingest.loader import load_paths
from tests.conftest import add_injected_storefronts, turns_true, wait_until

ROOT = Path(__file__).resolve().parents[2]
EVIL_NAMES = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "![t](http://127.0.0.1:9/x.png) **bold**"]
#: Markup that sets ``window.__pwned`` if any page or view ever parses it as HTML.
PWN = "<img src=x onerror=window.__pwned=1>"
#: A key with ``href`` in it: pyvis switches tooltips to HTML when a title contains the word.
HOSTILE_HUB = f"EVIL-HUB-href-{PWN}"
HUB_SPOKES = 30
#: Where each node of a vis-network view is, in the frame's coordinates once fitted, and its title.
_NODE_SPOTS = """() => { network.fit({animation: false}); const r = network.body.container.getBoundingClientRect();
  return network.body.data.nodes.get().map(n => {
    const p = network.canvasToDOM(network.getPositions([n.id])[n.id]);
    return [r.left + p.x, r.top + p.y, n.title]; }); }"""
#: The text of the tooltip on show (vis-network's, or pyvis's HTML popup).
_TOOLTIP = """() => Array.from(document.querySelectorAll('.vis-tooltip, div.popup'))
  .filter(e => e.style.visibility !== 'hidden' && e.style.display !== 'none').map(e => e.innerText).join('\\n')"""


def fill_demo(store: GraphStore, workspace: Workspace, csv_folder: Path, rings: int = 4) -> None:
    """The demo rings loaded from CSV (each file recorded in ``workspace``), and three
    storefronts named to inject HTML/Markdown."""
    write_admin_csv(generate(rings, seed=1), csv_folder)
    record_loads(workspace, load_paths(store, [csv_folder]))
    add_injected_storefronts(store, EVIL_NAMES)


def add_hostile_hub(store: GraphStore) -> None:
    """A marketplace whose key, name, property names and values are markup, hosting more
    storefronts (also named with markup) than a view shows: its "+ N more" node names it."""
    properties = {
        "name": f"Hostile hub {PWN}",
        f"<svg onload=window.__pwned=2>{PWN}": "<script>window.__pwned=3</script>",
    }
    store.upsert_nodes([NodeRecord(("Marketplace",), HOSTILE_HUB, properties, source=f"scrape{PWN}")])
    store.upsert_nodes(
        [
            NodeRecord(("SalesChannel",), f"EVIL-SPOKE-{i}", {"name": f"{PWN} #{i}"}, source="scrape")
            for i in range(HUB_SPOKES)
        ]
    )
    store.upsert_relationships(
        [RelationshipRecord("HOSTED_ON", f"EVIL-SPOKE-{i}", HOSTILE_HUB, source="scrape") for i in range(HUB_SPOKES)]
    )


def hover_every_node(tab: Any, frame: Any) -> list[str]:
    """Hover each node of the view drawn in ``frame`` (a frame of ``tab``), fitted to its
    canvas; the tooltip text shown at each (once it reads as the node's title, or after
    a few seconds: a node under another, or a tooltip shown as HTML, never does)."""
    wait_until(frame, "() => typeof network !== 'undefined' && window.viewFitted === true")
    box = frame.frame_element().bounding_box()  # where the nodes are once the drawing is fitted (slow when busy)
    shown = []
    for x, y, title in frame.evaluate(_NODE_SPOTS):
        tab.mouse.move(box["x"] + x, box["y"] + y)
        turns_true(frame, f"title => ({_TOOLTIP})() === title", title, timeout=3)
        shown.append(frame.evaluate(_TOOLTIP))
    return shown


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
