"""Drawing a view: every string the view shows (labels, tooltips, the "+ N more" node)
stays text whatever the data says, and direction controls cannot reorder it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from bench.views import HEIGHT, MEASURE, VIEWPORT, measure, misses
from graph.model import load_model
from graph.store.embedded_engine import EmbeddedStore
from graph.views.drawing import legend, network_html
from graph.views.explore import ViewSpec, build_view
from tests.conftest import wait_until
from tests.graph.views.conftest import HOSTILE_KEY, RLO, hostile_view
from tests.ui.conftest import build_demo


def shown_strings(html: str) -> list[str]:
    """Every label and title the page hands vis-network."""
    data = [json.loads(found) for found in re.findall(r"new vis\.DataSet\((\[.*?\])\);", html)]
    return [item[field] for items in data for item in items for field in ("label", "title") if field in item]


def test_hostile_keys_never_switch_tooltips_to_html() -> None:
    html = network_html(hostile_view(), load_model(), more={HOSTILE_KEY: 40})
    assert "innerHTML" not in html  # pyvis's popup for titles containing "href"
    assert any("40 more" in text for text in shown_strings(html))


def test_direction_controls_are_shown_not_obeyed() -> None:
    graph = hostile_view()
    html = network_html(graph, load_model())
    strings = shown_strings(html)
    assert RLO not in "".join(strings)
    assert "shop [U+202E]exe.txt" in strings
    assert RLO not in "".join(legend(graph, "label"))


def test_a_name_that_looks_like_an_outside_link_is_drawn_as_text() -> None:
    graph = hostile_view()
    graph.nodes["K-2"]["properties"]["name"] = "<img src=//evil.example/x.png>"
    strings = shown_strings(network_html(graph, load_model()))
    assert "<img src=//evil.examp…" in strings  # the label, cut short
    assert any("name: <img src=//evil.example/x.png>" in text for text in strings)  # the tooltip, whole


def setup_of(html: str) -> dict:
    """What the page's own script was given: the layout's name, the selection, whether
    edge labels show at first sight."""
    return json.loads(re.search(r"\}\)\((\{.*?\})\);\n</script>", html).group(1))


def data_of(html: str) -> tuple[list[dict], list[dict]]:
    nodes, edges = (json.loads(found) for found in re.findall(r"new vis\.DataSet\((\[.*?\])\);", html))
    return nodes, edges


def entity(graph: nx.MultiDiGraph, key: str, label: str = "Person", name: str | None = None) -> None:
    graph.add_node(key, labels=[label], properties={"name": name or key})


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (nx.path_graph(8), "chain"),
        (nx.star_graph(12), "radial"),
        (nx.complete_bipartite_graph(6, 8), "forceatlas2"),
        (nx.barabasi_albert_graph(1600, 1, seed=1), "fast"),
    ],
    ids=["path", "hub-and-spoke", "storefronts x products", "large"],
)
def test_the_layout_suits_the_shape_of_the_view(shape: nx.Graph, expected: str) -> None:
    graph = nx.MultiDiGraph()
    for node in shape.nodes:
        entity(graph, f"N{node}")
    graph.add_edges_from((f"N{u}", f"N{v}", {"type": "KNOWS"}) for u, v in shape.edges)
    assert setup_of(network_html(graph, load_model()))["layout"] == expected


def test_links_between_two_nodes_are_one_edge_with_their_count_and_types() -> None:
    graph = nx.MultiDiGraph()
    entity(graph, "P-1")
    entity(graph, "CO-1", "Company")
    for kind in ("OWNS", "DIRECTS", "DIRECTS"):
        graph.add_edge("P-1", "CO-1", type=kind)
    graph.add_edge("CO-1", "P-1", type="EMPLOYS")
    [edge] = data_of(network_html(graph, load_model()))[1]
    assert edge["title"] == "4 links: DIRECTS ×2, EMPLOYS, OWNS"
    assert set(edge["arrows"].split(", ")) == {"to", "from"}


def test_edge_labels_wait_for_a_hover_above_thirty_links() -> None:
    graph = nx.MultiDiGraph()
    for i in range(31):
        entity(graph, f"S-{i}", "SalesChannel")
        graph.add_edge(f"S-{i}", "MKT", type="HOSTED_ON")
    entity(graph, "MKT", "Marketplace")
    html = network_html(graph, load_model())
    assert not setup_of(html)["allLabels"] and not any("label" in edge for edge in data_of(html)[1])
    graph.remove_node("S-0")
    assert setup_of(network_html(graph, load_model()))["allLabels"]


def test_every_label_of_the_model_has_its_own_colour_and_shape_in_every_view() -> None:
    model = load_model()
    graph = nx.MultiDiGraph()
    for label in model.labels:
        entity(graph, f"K-{label}", label)
    marks = legend(graph, "label")
    assert len({mark.colour for mark in marks.values()}) == len(model.labels) == 16
    assert len({mark.shape for mark in marks.values()}) >= 7
    alone = nx.MultiDiGraph()
    entity(alone, "K-Person", "Person")
    assert legend(alone, "label")["Person"] == marks["Person"]
    drawn = {node["id"]: (node["color"], node["shape"]) for node in data_of(network_html(graph, model))[0]}
    assert drawn["K-Person"] == (marks["Person"].colour, marks["Person"].shape)


def test_long_names_are_cut_on_the_canvas_and_whole_in_the_tooltip() -> None:
    graph = nx.MultiDiGraph()
    entity(graph, "S-1", "SalesChannel", "best-power-tools-outlet-official-store-0042")
    [node] = data_of(network_html(graph, load_model()))[0]
    assert node["label"] == "best-power-tools-outl…"
    assert "best-power-tools-outlet-official-store-0042" in node["title"]


def test_a_collapsed_group_is_drawn_larger_with_its_count_and_its_links_added_up() -> None:
    graph = nx.MultiDiGraph()
    entity(graph, "MKT-1", "Marketplace")
    graph.add_node(
        "group:shops", labels=["SalesChannel"], properties={"name": "14 storefronts", "count": 14}, group=True
    )
    graph.add_edge("group:shops", "MKT-1", type="HOSTED_ON", count=14)
    nodes, [edge] = data_of(network_html(graph, load_model()))
    group = next(node for node in nodes if node["id"] == "group:shops")
    assert group["label"] == "14 storefronts" and group["size"] > max(n["size"] for n in nodes if n is not group)
    assert edge["title"] == "14 links: HOSTED_ON ×14"


def test_selected_nodes_and_placed_nodes_are_kept() -> None:
    graph = nx.MultiDiGraph()
    for i in range(6):
        entity(graph, f"P-{i}")
        graph.add_edge("P-0", f"P-{i}", type="KNOWS")
    html = network_html(graph, load_model(), selected=["P-2"], positions={"P-3": (500.0, -300.0)})
    assert setup_of(html)["selected"] == ["P-2"]
    placed = {node["id"]: (node["x"], node["y"]) for node in data_of(html)[0]}
    assert placed["P-3"] == (500.0, -300.0) and setup_of(html)["layout"] == "pinned"


#: Where a node is drawn, in its frame's coordinates.
SPOT = """key => { const r = network.canvas.frame.canvas.getBoundingClientRect();
  const p = network.canvasToDOM(network.getPositions([key])[key]); return [r.left + p.x, r.top + p.y]; }"""


def test_a_case_view_is_readable_at_first_sight_and_in_a_frame_sized_later(
    browser: Any, tmp_path: Path, workspace: Any
) -> None:
    """The demo's "Operation Tide" case at 2 hops, measured on screen in Chromium: the
    drawing fills and centres its canvas, nothing overprints, labels are legible, no edge
    label clutters it; and so again in a frame given its size after the page loaded (as
    the app's frame is). Clicking the case shows its links' labels and tells the app."""
    path = build_demo(tmp_path / "demo.kgl", tmp_path / "csv", workspace)
    with EmbeddedStore(path) as store:
        [case] = store.read("MATCH (c:`Case`) WHERE c.name STARTS WITH 'Operation Tide' RETURN c.id AS key", {})
        view = build_view(store, ViewSpec(centres=(case["key"],), hops=2))
    links = view.graph.number_of_edges()
    html = network_html(view.graph, load_model(), more=view.more, height=HEIGHT, report_clicks=True)
    page = browser.new_page(viewport=VIEWPORT)
    page.route("**/*", lambda route: route.abort())
    first = measure(page, html)
    assert links > 30 and first["labels"] == view.graph.number_of_nodes()
    assert misses(first, links) == [], first
    page.set_content(
        '<script>window.told = []; addEventListener("message", e => told.push(e.data));</script>'
        '<iframe style="border:0;width:300px;height:150px"></iframe>'
    )
    page.eval_on_selector("iframe", "(frame, html) => { frame.srcdoc = html; }", html)
    frame = page.frames[1]
    wait_until(frame, "() => typeof network !== 'undefined' && window.viewFitted === true")
    page.eval_on_selector("iframe", "frame => { frame.style.width = '1150px'; frame.style.height = '690px'; }")
    wait_until(frame, "() => network.canvas.frame.canvas.clientWidth > 1000")
    frame.evaluate("() => new Promise(done => setTimeout(() => requestAnimationFrame(done), 100))")
    framed = frame.evaluate(MEASURE)
    assert misses(framed, links) == [], framed
    box = page.query_selector("iframe").bounding_box()
    x, y = frame.evaluate(SPOT, case["key"])
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("told.some(m => m.kind === 'select')")
    assert {"kind": "selection", "ids": [case["key"]]} in page.evaluate("told")
    assert frame.evaluate(MEASURE)["edge_labels"] == len(set(nx.Graph(view.graph).edges(case["key"])))
    page.close()
