"""Drawing speed in headless Chromium: our views against pyvis's defaults, same run.

    python bench/render.py [--sizes 500,2000,5000] [--cap 120]

For graphs of 500, 2,000 and 5,000 nodes (a scale-free network, about 1.5 links per
node, with names and labels like the app's), it measures the time from request to a
drawn, still view, the Python side included:

* ours: :func:`graph.views.drawing.network_html` (igraph layout, physics off, lists handed to
  pyvis) then the page drawn in Debian Chromium;
* the reference: pyvis with its defaults (``add_node``/``add_edge``, physics on, curved
  edges) until vis-network reports the layout stabilised, capped at ``--cap`` seconds.

It prints both times and the ratio (reference / ours: how many times faster we are).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402
from pyvis.network import Network  # noqa: E402

from graph.model import load_model  # noqa: E402
from graph.views.drawing import network_html  # noqa: E402
from graph.views.png import CHROMIUM  # noqa: E402

LABELS = ["SalesChannel", "ShellCompany", "Supplier", "Person", "PaymentAccount", "Address"]
STILL = """
(cap) => new Promise(resolve => {
  setTimeout(() => resolve('cap'), cap);
  const physics = network.physics && network.physics.physicsEnabled;
  if (!physics) { network.once('afterDrawing', () => resolve('drawn')); network.redraw(); return; }
  if (network.physics.stabilized) { resolve('stabilized'); return; }
  network.once('stabilized', () => requestAnimationFrame(() => resolve('stabilized')));
})
"""


def sample_graph(nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    """A scale-free graph shaped like an investigation view."""
    base = nx.barabasi_albert_graph(nodes, 1, seed=seed)
    extra = nx.gnm_random_graph(nodes, nodes // 2, seed=seed)
    graph = nx.MultiDiGraph()
    for node in base.nodes:
        label = LABELS[node % len(LABELS)]
        graph.add_node(f"N{node:05d}", labels=[label], properties={"name": f"{label} {node}", "id": f"N{node:05d}"})
    for u, v in list(base.edges) + list(extra.edges):
        graph.add_edge(f"N{u:05d}", f"N{v:05d}", type="LINKED")
    return graph


def pyvis_defaults(graph: nx.MultiDiGraph, height: str = "750px") -> str:
    """The view as pyvis draws it with its defaults, one ``add_node``/``add_edge`` at a time."""
    network = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for key, data in graph.nodes(data=True):
        network.add_node(key, label=str(data["properties"].get("name", key)), title=key)
    for u, v, data in graph.edges(data=True):
        network.add_edge(u, v, title=data["type"])
    return network.generate_html()


def draw(page, html: str, cap: float) -> str:
    page.set_content(html, wait_until="load")
    page.wait_for_function("typeof network !== 'undefined' && network !== null", timeout=cap * 1000)
    return page.evaluate(STILL, cap * 1000)


def timed(browser, build, cap: float) -> tuple[float, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: route.abort())
    page.set_default_timeout(cap * 1000)
    started = time.perf_counter()
    try:
        outcome = draw(page, build(), cap)
    except Exception as error:  # the page never built its network within the cap
        outcome = f"no network within {cap:.0f} s ({type(error).__name__})"
    if outcome == "cap":
        outcome = f"not still within {cap:.0f} s"
    seconds = time.perf_counter() - started
    page.close()
    return seconds, outcome


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,5000")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before the reference is given up")
    args = parser.parse_args(argv)
    model = load_model()
    print(f"{'nodes':>6} {'links':>6} {'ours s':>8} {'pyvis defaults s':>18} {'ratio':>8}  reference outcome")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size in (int(s) for s in args.sizes.split(",")):
            graph = sample_graph(size)
            ours, outcome = timed(browser, lambda g=graph: network_html(g, model), args.cap)
            assert outcome == "drawn", outcome
            reference, ref_outcome = timed(browser, lambda g=graph: pyvis_defaults(g), args.cap)
            prefix = ">=" if not ref_outcome == "stabilized" else ""
            print(
                f"{size:>6} {graph.number_of_edges():>6} {ours:>8.2f} {reference:>18.2f} "
                f"{prefix + format(reference / ours, '.1f'):>8}  {ref_outcome}"
            )
        browser.close()
    print(
        "ratio = pyvis defaults' time / ours (>= when the reference hit the cap); "
        "goal: 5,000 nodes < 2 s, >= 50 at 2,000"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
