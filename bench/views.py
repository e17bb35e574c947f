"""Readability of the demo's case views in headless Chromium: ours, pyvis's defaults, and
the drawing as it was before issue 13, same run.

    python bench/views.py [--rings 8] [--skip-timing]

Builds the demo (the rings ``python -m ingest demo`` writes at its default scale) in an
embedded store, and for each case draws its view at 1 and 2 hops three ways:

* ours: :func:`graph.views.drawing.network_html`;
* pyvis defaults: ``add_node``/``add_edge``, physics on until vis-network says stabilised;
* before: ``graph/views/drawing.py`` as of commit 7d05af1, loaded from git.

Each page is opened in Debian's Chromium (every outside request aborted, an 830×760
window: the app's Explore frame) and measured after its first still frame by
:data:`MEASURE`: how much of the canvas the drawing fills on its longer axis (and whether
the canvas cuts it), how far its middle is from the canvas's,
node shapes that overlap on screen, labels whose box overlaps another drawn label, edge
labels drawn, and the smallest label drawn (px). Then the render timing of
``bench/render.py`` (500, 2,000 and 5,000 nodes against pyvis's defaults).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render import STILL, pyvis_defaults  # noqa: E402
from bench.render import main as render_timing  # noqa: E402
from graph.views.png import CHROMIUM  # noqa: E402

BEFORE = "7d05af1"
VIEWPORT = {"width": 830, "height": 760}  # the app's Explore frame on a 1600 px wide screen
HEIGHT = "740px"
FRAME_WIDTH = VIEWPORT["width"] - 16  # the page's body margins
#: On every case view, ours must reach these.
TARGETS = {"fill": 60.0, "offset": 10.0, "node_overlaps": 0, "label_overlaps": 5.0, "smallest_label": 10.0}
#: The figures of a drawn vis-network view, measured on screen (DOM pixels of the canvas).
MEASURE = """() => {
  const body = network.body, scale = network.getScale(), canvas = network.canvas.frame.canvas;
  const W = canvas.clientWidth, H = canvas.clientHeight, dom = (x, y) => network.canvasToDOM({x: x, y: y});
  const onScreen = b => b[2] > 0 && b[0] < W && b[3] > 0 && b[1] < H;
  const meets = (a, b) => a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
  const drawnPx = m => {
    if (!m.elementOptions.label) return 0;
    const px = m.fontOptions.size * scale;
    const limits = m.elementOptions.scaling.label;
    return px < limits.drawThreshold - 1 ? 0 : Math.min(px, limits.maxVisible || Infinity);
  };
  let L = Infinity, R = -Infinity, T = Infinity, B = -Infinity, smallest = Infinity, edgeLabels = 0;
  const shapes = [], labels = [];
  for (const id of body.nodeIndices) {
    const n = body.nodes[id], bb = n.shape.boundingBox, a = dom(bb.left, bb.top), b = dom(bb.right, bb.bottom);
    L = Math.min(L, a.x); R = Math.max(R, b.x); T = Math.min(T, a.y); B = Math.max(B, b.y);
    const c = dom(n.x, n.y), w = n.shape.width * scale / 2, h = n.shape.height * scale / 2;
    shapes.push([c.x - w, c.y - h, c.x + w, c.y + h]);
    const px = drawnPx(n.labelModule), s = n.labelModule.size;
    if (!px) continue;
    const p = dom(s.left, s.top), box = [p.x, p.y, p.x + s.width * scale, p.y + s.height * scale];
    if (!onScreen(box)) continue;
    labels.push(box);
    smallest = Math.min(smallest, px);
  }
  for (const id of body.edgeIndices) {
    const px = drawnPx(body.edges[id].labelModule);
    if (px) { edgeLabels += 1; smallest = Math.min(smallest, px); }
  }
  let nodeOverlaps = 0, overlapping = new Set();
  for (let i = 0; i < shapes.length; i++) for (let j = i + 1; j < shapes.length; j++) {
    if (meets(shapes[i], shapes[j])) nodeOverlaps += 1;
  }
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    if (meets(labels[i], labels[j])) { overlapping.add(i); overlapping.add(j); }
  }
  const fill = Math.max((Math.min(R, W) - Math.max(L, 0)) / W, (Math.min(B, H) - Math.max(T, 0)) / H);
  const offset = Math.max(Math.abs((L + R) / 2 - W / 2) / W, Math.abs((T + B) / 2 - H / 2) / H);
  return {nodes: body.nodeIndices.length, links: body.edgeIndices.length, fill: 100 * fill, offset: 100 * offset,
    cut: L < -1 || R > W + 1 || T < -1 || B > H + 1,
    node_overlaps: nodeOverlaps, label_overlaps: labels.length ? 100 * overlapping.size / labels.length : 0,
    labels: labels.length, edge_labels: edgeLabels, smallest_label: labels.length ? smallest : 0};
}"""


def measure(page, html: str) -> dict:
    """``html`` opened in ``page`` (a Playwright page), measured after its still frame."""
    page.set_content(html, wait_until="load")
    page.wait_for_function("typeof network !== 'undefined' && network !== null")
    page.evaluate(STILL, 60_000)
    page.wait_for_function("window.viewFitted !== false")  # ours fits once the frame has its size
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(MEASURE)


def misses(figures: dict, links: int) -> list[str]:
    """The targets a drawing of a case view misses, in words."""
    missed = []
    if figures["fill"] < TARGETS["fill"]:
        missed.append(f"fill {figures['fill']:.0f}%")
    if figures["cut"]:
        missed.append("cut by the canvas edge")
    if figures["offset"] > TARGETS["offset"]:
        missed.append(f"off centre {figures['offset']:.0f}%")
    if figures["node_overlaps"] > TARGETS["node_overlaps"]:
        missed.append(f"{figures['node_overlaps']} node overlaps")
    if figures["label_overlaps"] > TARGETS["label_overlaps"]:
        missed.append(f"{figures['label_overlaps']:.0f}% labels overlap")
    if figures["labels"] and figures["smallest_label"] < TARGETS["smallest_label"]:
        missed.append(f"labels {figures['smallest_label']:.1f} px")
    if links > 30 and figures["edge_labels"]:
        missed.append(f"{figures['edge_labels']} edge labels")
    return missed


def totals(rows: list[tuple[dict, int, list[str]]]) -> str:
    """One drawing's figures over all case views, in words."""
    figures = [row[0] for row in rows]
    busy = [row[0]["edge_labels"] for row in rows if row[1] > 30]
    drawn = [f["smallest_label"] for f in figures if f["labels"]]
    return (
        f"targets met on {sum(not row[2] for row in rows)}/{len(rows)} views; "
        f"fill >= {min(f['fill'] for f in figures):.0f}%; off centre <= {max(f['offset'] for f in figures):.1f}%; "
        f"node overlaps {sum(f['node_overlaps'] for f in figures)}; "
        f"labels overlapping <= {max(f['label_overlaps'] for f in figures):.0f}%; "
        f"smallest label {min(drawn, default=0):.1f} px; "
        f"edge labels at first sight on the {len(busy)} views above 30 links: {sum(busy)}"
    )


def drawing_before() -> Callable[..., str]:
    """``network_html`` as it was before issue 13 (commit 7d05af1), from git."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:graph/views/drawing.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "drawing_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("drawing_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.network_html


def demo_views(folder: Path, rings: int) -> list[tuple[str, int, object]]:
    """(case name, hops, view) for every case of the demo, at 1 and 2 hops."""
    from graph.store.embedded_engine import EmbeddedStore
    from graph.views.explore import ViewSpec, build_view
    from ingest.demo import generate, load

    views = []
    with EmbeddedStore(folder / "demo.kgl") as store:
        load(store, generate(rings, seed=7))
        cases = store.read("MATCH (c:`Case`) RETURN c.id AS key, c.name AS name ORDER BY key", {})
        for case in cases:
            for hops in (1, 2):
                views.append((case["name"], hops, build_view(store, ViewSpec(centres=(case["key"],), hops=hops))))
    return views


ROW = "{:<28} {:>4} {:>5} {:>5}  {:<16} {:>6} {:>7} {:>6} {:>7} {:>6} {:>8}  {}"


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from graph.model import load_model
    from graph.views.drawing import network_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rings", type=int, default=8, help="demo rings (8: python -m ingest demo's default scale)")
    parser.add_argument("--skip-timing", action="store_true", help="leave out the render timing")
    args = parser.parse_args(argv)
    model, before = load_model(), drawing_before()
    drawings = {
        "ours": lambda view: network_html(view.graph, model, more=view.more, height=HEIGHT, width=FRAME_WIDTH),
        "pyvis defaults": lambda view: pyvis_defaults(view.graph, HEIGHT),
        f"before ({BEFORE})": lambda view: before(view.graph, model, more=view.more, height=HEIGHT),
    }
    print(f"'before' is graph/views/drawing.py as of commit {BEFORE}, loaded from git into a temporary module")
    print(
        ROW.format(
            "case",
            "hops",
            "nodes",
            "links",
            "drawing",
            "fill%",
            "off%",
            "nodeov",
            "labelov%",
            "edgelb",
            "min px",
            "misses",
        )
    )
    measured: dict[str, list[tuple[dict, int, list[str]]]] = {name: [] for name in drawings}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        views = demo_views(Path(folder), args.rings)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.route("**/*", lambda route: route.abort())
        for case, hops, view in views:
            links = view.graph.number_of_edges()
            for name, draw in drawings.items():
                figures = measure(page, draw(view))
                missed = misses(figures, links)
                measured[name].append((figures, links, missed))
                print(
                    ROW.format(
                        case[:28],
                        hops,
                        view.graph.number_of_nodes(),
                        links,
                        name[:16],
                        f"{figures['fill']:.0f}",
                        f"{figures['offset']:.1f}",
                        figures["node_overlaps"],
                        f"{figures['label_overlaps']:.0f}",
                        figures["edge_labels"],
                        f"{figures['smallest_label']:.1f}",
                        "; ".join(missed) or "-",
                    )
                )
        browser.close()
    print("\ntotals over", len(views), "case views")
    for name, rows in measured.items():
        print(f"  {name:<18} " + totals(rows))
    print(
        "targets: fill >= 60% on the longer axis, centred within 10%, 0 node overlaps, <= 5% labels overlapping, "
        "labels >= 10 px, no edge labels at first sight above 30 links"
    )
    if not args.skip_timing:
        print("\nrender timing (bench/render.py)")
        render_timing([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
