"""Brushing the timeline of a large view, beside redrawing the same view without it.

    python bench/timeline.py [--dated 5000] [--repeat 3]

A view of ``--dated`` dated nodes of the demo (its shells, storefronts, shipments,
seizures, cases and domains with the relationships among them, as Explore would hold
them), in headless Debian Chromium, every outside request refused:

* the reference: the view redrawn without the timeline (:func:`network_html`, then
  drawn in Chromium): what any change of the view costs;
* a brush, in the browser: the drag across the timeline's lanes until the period shows
  and is posted to the app (the timeline page is not redrawn);
* a brush, in Python: :func:`graph.views.timeline.in_window`, the view cut to the
  period, before the drawing of what is left (drawn as the reference is).

It prints the medians of ``--repeat`` runs, and each brush as a ratio of the
reference measured in the same run (below 1: the brush costs less than a redraw).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from graph.model import Model, load_model  # noqa: E402
from graph.views.drawing import network_html  # noqa: E402
from graph.views.png import CHROMIUM  # noqa: E402
from graph.views.timeline import dated, in_window, view_events  # noqa: E402
from graph.views.timeline_chart import timeline_html  # noqa: E402
from ingest.demo import generate  # noqa: E402

DRAWN = "() => typeof network !== 'undefined' && network !== null"
NODES_PER_RING = 10  # fewer dated nodes than this per demo ring: enough rings are generated


def dated_view(count: int, model: Model) -> nx.MultiDiGraph:
    """``count`` dated nodes of the demo and the relationships among them."""
    demo = generate(count // NODES_PER_RING + 2, seed=7)
    graph = nx.MultiDiGraph()
    for node in demo.nodes:
        if any(node.properties.get(name) is not None for name in model.label_events(node.labels)):
            graph.add_node(node.key, labels=list(node.labels), properties=dict(node.properties))
        if graph.number_of_nodes() == count:
            break
    for link in demo.relationships:
        if link.start in graph and link.end in graph:
            graph.add_edge(link.start, link.end, type=link.type, properties=dict(link.properties))
    return graph


def _asked(page: Any, expression: str, timeout: float = 120) -> None:
    """Wait until ``expression`` is true in the page (asked every 10 ms: the timeline's
    Content-Security-Policy refuses ``wait_for_function``'s eval)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.01)


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _redraw(page: Any, graph: nx.MultiDiGraph, model: Model) -> None:
    page.set_content(network_html(graph, model), wait_until="load")
    _asked(page, DRAWN)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def _brush_in_browser(page: Any) -> None:
    """Drag across the middle third of the lanes until the period is posted."""
    page.evaluate("() => { window.posted = []; window.addEventListener('message', e => window.posted.push(e.data)); }")
    plot = page.locator("#plot").bounding_box()
    y = plot["y"] + 15
    page.mouse.move(plot["x"] + plot["width"] / 3, y)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 2 / 3, y, steps=4)
    page.mouse.up()
    _asked(page, "() => window.posted.some(m => m.kind === 'window')")


def _one_run(page: Any, view: nx.MultiDiGraph, model: Model, period: tuple) -> dict[str, float]:
    """The seconds of each step, once."""
    took = {"reference": _timed(lambda: _redraw(page, view, model))}
    page.set_content("<p></p>")
    took["timeline"] = _timed(
        lambda: (page.set_content(timeline_html(view, model)), _asked(page, "window.timelineDrawn"))
    )
    took["browser"] = _timed(lambda: _brush_in_browser(page))
    start = time.perf_counter()
    cut = in_window(view, model, *period)
    took["filter"] = time.perf_counter() - start
    took["redraw"] = _timed(lambda: _redraw(page, cut, model))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dated", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    model = load_model()
    view = dated_view(options.dated, model)
    days = sorted(when for span in dated(view_events(view, model)).values() for when in (span.start, span.end) if when)
    period = (days[len(days) // 3].date(), days[2 * len(days) // 3].date())
    print(f"a view of {view.number_of_nodes():,} dated nodes and {view.number_of_edges():,} links")
    print(f"the period brushed: {period[0]} – {period[1]}")
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[float]] = {"reference": [], "timeline": [], "browser": [], "filter": [], "redraw": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda route: route.abort())
        for _ in range(options.repeat):
            for name, took in _one_run(page, view, model, period).items():
                runs[name].append(took)
        browser.close()
    left = in_window(view, model, *period).number_of_nodes()
    median = {name: statistics.median(times) for name, times in runs.items()}
    reference = median["reference"]
    print(f"reference: the view redrawn without the timeline     {reference:8.3f} s")
    print(f"the timeline's first drawing (page made and drawn)   {median['timeline']:8.3f} s")
    print(f"brush in the browser (drag -> period posted)         {median['browser']:8.3f} s  "
          f"ratio {median['browser'] / reference:.3f}")  # fmt: skip
    print(f"brush in Python (the view cut to the period)         {median['filter']:8.3f} s  "
          f"ratio {median['filter'] / reference:.3f}  ({left:,} nodes left)")  # fmt: skip
    brushed = median["browser"] + median["filter"]
    print(f"the brush's own cost (browser + Python)              {brushed:8.3f} s  ratio {brushed / reference:.3f}")
    print(f"then the period's view redrawn                       {median['redraw']:8.3f} s")


if __name__ == "__main__":
    main()
