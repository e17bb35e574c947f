"""Drawing a view of the graph with pyvis: readable at first sight, fast, offline and safe.

Readable: the layout suits the view's shape (:mod:`graph.views.layout`) and no node or
label box covers another; labels are cut to :data:`LABEL_CHARS` characters (the tooltip
keeps the whole name); the page fits and centres the drawing once its frame has its real
size and again on every resize; links between the same two nodes are drawn as one edge
with their count and types; edge labels wait for a hover, a selection or a zoom on views
with more than :data:`QUIET_LINKS` links; each label has its own shape besides its colour.

Fast: positions are computed in Python and physics is off, so the browser draws once
instead of simulating (pyvis's defaults take ~28 s to settle 500 nodes); nodes and edges
go into the network as lists, not through ``add_edge``, which scans every existing edge.

Offline: pyvis's ``in_line`` template still links Bootstrap from a CDN; those tags are
removed, and :func:`network_html` refuses to return HTML whose markup would fetch
anything (the data lines are not markup: a name reading ``src=//...`` is only text).

Safe: names come from scraped storefronts. Labels are drawn on the canvas (never parsed
as HTML); tooltips are plain text, which vis-network 9 shows as text; pyvis's template
serialises data with Jinja's ``tojson`` (``<`` escaped), and the page's own script gets
its data through :func:`graph.views.page.script_data`. One pyvis quirk remains: a node
title containing ``href`` switches every tooltip to a popup that sets ``innerHTML``, so
every string the view shows goes through :func:`_text` (which breaks the word with a
zero-width space and shows direction controls), and a page with that popup is refused.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network

from graph.model import Model, load_model
from graph.views.layout import LARGE, Box, place
from graph.views.page import refuse_outside, script_data
from graph.views.text import visible

__all__ = ["PALETTE", "SHAPES", "Mark", "colour_of", "legend", "legend_html", "marks", "network_html"]

#: Okabe-Ito's eight colours, then Paul Tol's "muted" nine: told apart with the common
#: colour-vision deficiencies, and a shape per label tells apart the ones that stay close.
PALETTE = [
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#6e6e6e",
    "#332288",
    "#88ccee",
    "#44aa99",
    "#117733",
    "#999933",
    "#ddcc77",
    "#cc6677",
    "#882255",
    "#aa4499",
]
#: vis-network's shapes that draw the label under the node, one per label in model order.
SHAPES = ["star", "triangle", "diamond", "square", "dot", "hexagon", "triangleDown"]
MORE = "#cccccc"
LABEL_CHARS = 22
QUIET_LINKS = 30  # above this many links, edge labels wait for a hover, a selection or a zoom
FONT = 14  # node labels, in canvas units; the page fits the view so they show at >= 10 px
EDGE_FONT = 11
CHAR_WIDTH = 0.58  # of the font size, an average character of the label font
NODE_SIZE = 14
GROUP_SIZE = 26
MAX_ZOOM = 2.5
_HTML_POPUP = "popup.innerHTML"
_BOOTSTRAP = re.compile(r"<link[^>]*cdn\.jsdelivr\.net[^>]*>|<script[^>]*cdn\.jsdelivr\.net[^>]*>\s*</script>", re.S)
_GLYPHS = {
    "dot": '<circle cx="6" cy="6" r="5"/>',
    "square": '<rect x="1" y="1" width="10" height="10"/>',
    "diamond": '<polygon points="6,0 12,6 6,12 0,6"/>',
    "triangle": '<polygon points="6,1 11.5,11 0.5,11"/>',
    "triangleDown": '<polygon points="0.5,1 11.5,1 6,11"/>',
    "star": '<polygon points="6,0 7.4,4 11.7,4.1 8.3,6.7 9.5,10.9 6,8.4 2.5,10.9 3.7,6.7 0.3,4.1 4.6,4"/>',
    "hexagon": '<polygon points="3,0.8 9,0.8 12,6 9,11.2 3,11.2 0,6"/>',
}

# Fits the drawing (labels included) to the frame's real size, and again on every resize
# (the app sizes the frame after the page loaded); vis-network's own fit stops at 100%.
# Edge labels show on hover, on selection (of the edge or its nodes) and zoomed in.
_VIEW_SCRIPT = """<script>
(function (setup) {
  window.viewLayout = setup.layout;
  window.viewFitted = false;
  var box = document.getElementById("mynetwork"), fitted = 1, hovered = null, shown = {}, size = [0, 0];
  // A node's box with its label once drawn; a large view's labels do not show fitted: its positions do.
  function bounds(id, at) {
    if (!setup.large) return network.getBoundingBox(id);
    var p = at[id], m = setup.nodeSize;
    return {left: p.x - m, right: p.x + m, top: p.y - m, bottom: p.y + m};
  }
  // Fitted before the first frame from the extent Python told, then to what the browser measured.
  function fitView(told) {
    var ids = nodes.getIds(), w = box.clientWidth, h = box.clientHeight, at = setup.large ? network.getPositions() : {};
    if (!ids.length || !w || !h) return;
    var measured = !told.length, l = measured ? Infinity : told[0], t = measured ? Infinity : told[1];
    var r = measured ? -Infinity : told[2], b = measured ? -Infinity : told[3];
    if (measured) ids.forEach(function (id) {
      var bb = bounds(id, at);
      l = Math.min(l, bb.left); r = Math.max(r, bb.right); t = Math.min(t, bb.top); b = Math.max(b, bb.bottom);
    });
    size = [w, h];
    fitted = Math.min(0.94 * w / Math.max(r - l, 1), 0.94 * h / Math.max(b - t, 1), setup.maxZoom);
    network.moveTo({position: {x: (l + r) / 2, y: (t + b) / 2}, scale: fitted, animation: false});
    if (measured || setup.large) window.viewFitted = true;  // the fit that stays
  }
  // vis-network keeps a label set once: a hidden one is made too small to be drawn.
  function edgeLabels() {
    var zoomed = network.getScale() >= 1.8 * fitted, wanted = {};
    if (setup.allLabels || zoomed) edges.getIds().forEach(function (id) { wanted[id] = true; });
    network.getSelectedEdges().forEach(function (id) { wanted[id] = true; });
    if (hovered !== null) wanted[hovered] = true;
    var changes = [];
    edges.forEach(function (e) {
      if (!!wanted[e.id] === !!shown[e.id]) return;
      var size = wanted[e.id] ? setup.edgeFont : 1;
      changes.push(wanted[e.id] ? {id: e.id, label: e.text, font: {size: size}} : {id: e.id, font: {size: size}});
    });
    shown = wanted;
    if (changes.length) edges.update(changes);
  }
  if (setup.selected.length) network.selectNodes(setup.selected.filter(function (id) { return nodes.get(id); }));
  edgeLabels();
  window.viewEdgeLabels = edgeLabels;  // for a selection made outside the canvas
  network.on("hoverEdge", function (p) { hovered = p.edge; edgeLabels(); });
  network.on("blurEdge", function () { hovered = null; edgeLabels(); });
  ["select", "deselectNode", "deselectEdge"].forEach(function (change) { network.on(change, edgeLabels); });
  network.on("zoom", edgeLabels);
  fitView(setup.large ? [] : setup.extent);
  if (!setup.large) network.once("afterDrawing", function () { fitView([]); });
  new ResizeObserver(function () {
    if (box.clientWidth === size[0] && box.clientHeight === size[1]) return;
    network.setSize("100%", box.style.height || "100%");
    fitView([]);
  }).observe(box);
})(SETUP);
</script>
"""

# A click is reported after a short wait, and dropped if it was half of a double click:
# one message per gesture, so the app reruns once. Every change of the selection and
# every drag of nodes is reported too, and the app's own selection is shown when it says.
_CLICKS = """<script>
var pendingClick = null;
network.on("click", function (p) {
  clearTimeout(pendingClick);
  if (p.nodes.length !== 1) return;
  var id = String(p.nodes[0]);
  pendingClick = setTimeout(function () { parent.postMessage({kind: "select", id: id}, "*"); }, 300);
});
network.on("doubleClick", function (p) {
  clearTimeout(pendingClick);
  if (p.nodes.length === 1) parent.postMessage({kind: "expand", id: String(p.nodes[0])}, "*");
});
var lastSelection = JSON.stringify(network.getSelectedNodes().map(String));
["select", "deselectNode"].forEach(function (change) {  // vis-network says "deselectNode" when nothing is left
  network.on(change, function (p) {
    var ids = p.nodes.map(String);
    if (JSON.stringify(ids) === lastSelection) return;  // one message per change
    lastSelection = JSON.stringify(ids);
    parent.postMessage({kind: "selection", ids: ids}, "*");
  });
});
network.on("dragEnd", function (p) {
  if (!p.nodes.length) return;
  var at = network.getPositions(), moved = {};  // all of them: the view reopens as it is now
  Object.keys(at).forEach(function (id) { moved[id] = [at[id].x, at[id].y]; });
  parent.postMessage({kind: "moved", positions: moved}, "*");
});
window.addEventListener("message", function (event) {  // a selection made in the app's table
  var message = event.data;
  if (event.source !== parent || !message || message.kind !== "show-selection" || !Array.isArray(message.ids)) return;
  network.selectNodes(message.ids.filter(function (id) { return typeof id === "string" && nodes.get(id); }));
  window.viewEdgeLabels();
});
</script>
"""


@dataclass(frozen=True)
class Mark:
    """How a label (or community) is drawn: a colour and a vis-network shape."""

    colour: str
    shape: str

    def source(self) -> str:
        """The shape in the colour as a ``data:`` image (an SVG), for an ``<img>``."""
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" fill="{self.colour}">'
            f"{_GLYPHS[self.shape]}</svg>"
        )
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")

    def glyph(self, size: int = 12) -> str:
        """The shape in the colour, for legends: an image, which sanitisers that drop
        inline ``<svg>`` (Streamlit's ``st.html``) keep."""
        return (
            f'<img src="{self.source()}" width="{size}" height="{size}" alt="" '
            'style="vertical-align:-0.1em;margin-right:.3em">'
        )


def colour_of(value: object, order: list) -> str:
    """A stable colour for a label or community."""
    try:
        return PALETTE[order.index(value) % len(PALETTE)]
    except ValueError:
        return MORE


@functools.cache
def _model_labels() -> tuple[str, ...]:
    return tuple(load_model().labels)


def _label_order(labels: Iterable[str]) -> list[str]:
    """The model's labels in model.yaml's order, then any other label of the view by name:
    a label keeps its colour and shape from one view to the next."""
    known = list(_model_labels())
    return known + sorted(set(labels) - set(known))


def _shape_of(label: str, order: list[str]) -> str:
    return SHAPES[order.index(label) % len(SHAPES)] if label in order else "dot"


def _text(value: object, limit: int = 300) -> str:
    """A string for a label or tooltip: direction controls visible, cut to ``limit``,
    never the word that turns pyvis's tooltips into HTML."""
    text = visible(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return re.sub("href", "hr\u200bef", text, flags=re.IGNORECASE)


def _tooltip(key: str, labels: list[str], properties: Mapping[str, object]) -> str:
    lines = [f"{key} ({', '.join(labels)})"]
    lines += [f"{name}: {_text(value, 120)}" for name, value in sorted(properties.items()) if value not in (None, "")]
    return _text("\n".join(lines[:25]), 3000)


def legend(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None = None) -> dict[str, Mark]:
    """What each colour and shape means in a view: label or community -> its mark."""
    values = _colour_values(graph, colour_by, membership)
    if colour_by == "community" and membership is not None:
        order = sorted(set(values.values()), key=str)
        return {visible(value): Mark(colour_of(value, order), "dot") for value in order}
    order = _label_order(values.values())
    shown = sorted(set(values.values()), key=order.index)
    return {visible(value): Mark(colour_of(value, order), _shape_of(value, order)) for value in shown}


def legend_html(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None = None) -> str:
    """The legend as HTML spans (glyph and escaped name), for the app and briefings."""
    return " ".join(  # spaces between the items: the legend wraps
        f'<span class="item" style="margin-right:1em;white-space:nowrap">{mark.glyph()}{html.escape(name)}</span>'
        for name, mark in legend(graph, colour_by, membership).items()
    )


def _colour_values(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None) -> dict:
    if colour_by == "community" and membership is not None:
        return {node: membership.get(node, "none") for node in graph.nodes}
    return {node: (data.get("labels") or ["?"])[0] for node, data in graph.nodes(data=True)}


def _box(label: str, size: float, inside: bool, beside: float = 0.0) -> Box:
    """What a node covers: its shape with the label under it, or a box holding the label,
    widened by ``beside`` on each side (room for the labels of its edges)."""
    width = len(label) * FONT * CHAR_WIDTH
    if inside:
        return Box(width / 2 + 6 + beside, FONT / 2 + 6)
    text_height = FONT * 1.3
    return Box(max(size, width / 2) + 2 + beside, size + text_height / 2 + 2, text_height / 2 + 2)


def _group_label(name: str, properties: Mapping[str, object]) -> str:
    count = properties.get("count")
    return name if count is None or str(count) in name else f"{name} ({count})"


def _node(key: str, data: Mapping, model: Model, mark: Mark, size: float, bold: bool) -> dict:
    labels = data.get("labels") or []
    properties = data.get("properties") or {}
    name = model.display_name(labels, properties, key)
    group = bool(data.get("group"))
    node = {
        "id": key,
        "label": _text(_group_label(name, properties) if group else name, LABEL_CHARS),
        "title": _tooltip(key, labels, properties),
        "color": mark.colour,
        "size": GROUP_SIZE if group else size,
        "borderWidth": 4 if bold else 1,
        "shape": mark.shape,
    }
    if group:
        node |= {
            "borderWidth": 4 if bold else 3,
            "shapeProperties": {"borderDashes": [5, 3]},
            "font": {"size": FONT + 2},
        }
    return node


def _links(count: int, types: Counter) -> str:
    if count == 1:
        return next(iter(types))
    kinds = ", ".join(kind if n == 1 else f"{kind} ×{n}" for kind, n in sorted(types.items()))
    return f"{count} links: {kinds}"


def _edges(graph: nx.MultiDiGraph) -> list[dict]:
    """One edge per pair of nodes: its count (aggregated links count as many), types and
    the directions present."""
    pairs: dict[tuple[str, str], tuple[Counter, set[str]]] = {}
    shown: dict[str, str] = {}  # a view has few types and many links
    for u, v, data in graph.edges(data=True):
        pair = (u, v) if u <= v else (v, u)
        types, ways = pairs.setdefault(pair, (Counter(), set()))
        kind = str(data.get("type", ""))
        if kind not in shown:
            shown[kind] = _text(kind, 40)
        types[shown[kind]] += max(1, int(data.get("count") or 1))
        ways.add("to" if (u, v) == pair else "from")
    edges = []
    for number, ((u, v), (types, ways)) in enumerate(sorted(pairs.items())):
        count = sum(types.values())
        text = _links(count, types)
        edges.append(
            {
                "id": f"e{number}",
                "from": u,
                "to": v,
                "title": text,
                "text": text,
                "arrows": ", ".join(sorted(ways, reverse=True)),
                "width": 1 + min(count - 1, 4) * 0.75,
            }
        )
    return edges


def network_html(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    colour_by: str = "label",
    membership: Mapping[str, int] | None = None,
    sizes: Mapping[str, float] | None = None,
    more: Mapping[str, int] | None = None,
    highlight: set[str] | None = None,
    height: str = "650px",
    width: int = 1100,
    seed: int = 42,
    report_clicks: bool = False,
    selected: Iterable[str] = (),
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """A self-contained HTML page drawing ``graph`` (from the store's neighbourhood,
    subgraph or a query): colours and shapes by label (or colours by community), sizes by
    a score, a grey "+ N more" node beside each node whose other neighbours were left out,
    ``selected`` nodes selected, ``positions`` (nodes the investigator placed) kept. The
    layout is shaped for a frame of about ``width`` pixels by ``height`` (the page still
    fits whatever frame it gets): shaped for its frame, a fitted view shows larger labels.
    With ``report_clicks``, a click (select) or double click (expand) on a node is posted
    to the parent window as ``{kind, id}``, every selection change as ``{kind:
    "selection", ids}`` and every drag as ``{kind: "moved", positions: {id: [x, y]}}``."""
    marks_of = marks(graph, colour_by, membership)
    largest = max((sizes or {}).values(), default=0) or 1
    scaled = {key: 10 + 25 * float(score) / largest for key, score in (sizes or {}).items()}
    nodes = [
        _node(key, data, model, marks_of[key], scaled.get(key, 10 if sizes else NODE_SIZE), key in (highlight or ()))
        for key, data in sorted(graph.nodes(data=True))
    ]
    for node, hidden in sorted((more or {}).items()):
        if hidden > 0 and node in graph:
            nodes.append(
                {
                    "id": f"more:{node}",
                    "label": f"+ {hidden} more",
                    "title": _text(f"{hidden} more neighbours of {node}"),
                    "color": MORE,
                    "shape": "box",
                }
            )
    edges = _edges(graph)
    edges += [
        {"id": f"m{number}", "from": node, "to": f"more:{node}", "dashes": True, "color": MORE}
        for number, (node, hidden) in enumerate(sorted((more or {}).items()))
        if hidden > 0 and node in graph
    ]
    all_labels = sum(max(1, int(d.get("count") or 1)) for *_, d in graph.edges(data=True)) <= QUIET_LINKS
    canvas = (float(width), float(height.removesuffix("px")) if re.fullmatch(r"\d+(\.\d+)?px", height) else 600.0)
    name, extent = _place(nodes, edges, positions, seed, all_labels, canvas)
    setup = {"layout": name, "extent": extent, "selected": [str(key) for key in selected], "allLabels": all_labels}
    setup |= {"maxZoom": MAX_ZOOM, "edgeFont": EDGE_FONT, "large": len(nodes) > LARGE, "nodeSize": GROUP_SIZE}
    return _page(nodes, edges, height, _VIEW_SCRIPT.replace("SETUP", script_data(setup)), report_clicks)


def marks(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None) -> dict[str, Mark]:
    """Each node's colour (by label or community) and shape (by label)."""
    values = _colour_values(graph, colour_by, membership)
    labels = _colour_values(graph, "label", None)
    order = _label_order(labels.values())
    colours = sorted(set(values.values()), key=str) if colour_by == "community" and membership is not None else order
    return {node: Mark(colour_of(values[node], colours), _shape_of(labels[node], order)) for node in graph.nodes}


def _place(
    nodes: list[dict],
    edges: list[dict],
    pinned: Mapping[str, tuple[float, float]] | None,
    seed: int,
    edge_labels: bool,
    canvas: tuple[float, float],
) -> tuple[str, list[float]]:
    """Positions written into ``nodes``; returns the layout's name and the drawing's
    extent, labels included (left, top, right, bottom), as far as it can be told before
    the browser measures the labels. With ``edge_labels`` (drawn at first sight), each
    node keeps room beside it for its longest edge label."""
    view = nx.Graph()
    view.add_nodes_from(node["id"] for node in nodes)
    beside = dict.fromkeys(view.nodes, 0.0)
    for edge in edges:
        view.add_edge(edge["from"], edge["to"])
        room = len(edge.get("text", "")) * EDGE_FONT * CHAR_WIDTH / 2 if edge_labels else 0.0
        beside[edge["from"]], beside[edge["to"]] = max(beside[edge["from"]], room), max(beside[edge["to"]], room)
    boxes = {
        node["id"]: _box(node["label"], node.get("size", NODE_SIZE), node["shape"] == "box", beside[node["id"]])
        for node in nodes
    }
    name, at = place(view, boxes, pinned=pinned, seed=seed, canvas=canvas)
    extent = [float("inf"), float("inf"), -float("inf"), -float("inf")]
    for node in nodes:
        (x, y), box = at[node["id"]], boxes[node["id"]]
        node["x"], node["y"] = x, y
        wide, middle = box.half_width - beside[node["id"]], y + box.drop
        extent = [
            min(extent[0], x - wide),
            min(extent[1], middle - box.half_height),
            max(extent[2], x + wide),
            max(extent[3], middle + box.half_height),
        ]
    return name, extent if nodes else []


def _page(nodes: list[dict], edges: list[dict], height: str, script: str, report_clicks: bool) -> str:
    network = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    network.nodes, network.edges = nodes, edges
    network.node_ids = [node["id"] for node in nodes]
    network.node_map = {node["id"]: node for node in nodes}
    network.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "edges": {
                    "smooth": False,
                    "color": {"color": "#b4b9bf", "highlight": "#333333", "hover": "#555555"},
                    "font": {
                        "size": EDGE_FONT,
                        "strokeWidth": 3,
                    },  # horizontal: vis-network draws a label turned by 180 degrees elsewhere
                    "scaling": {"label": {"enabled": False, "drawThreshold": 11}},
                },
                "interaction": {
                    "hover": True,
                    "multiselect": True,
                    "tooltipDelay": 150,
                    "hideEdgesOnDrag": len(nodes) > LARGE,
                },
                "nodes": {
                    # dark text in a wide white halo: small labels stay legible over the links
                    "font": {"size": FONT, "color": "#1a1a1a", "strokeWidth": 5, "strokeColor": "#ffffff"},
                    # vis-network fades a label from drawThreshold down to drawThreshold - 1 and
                    # hides it below: labels of 10 px and more are drawn whole (at 11 they faded)
                    "scaling": {"label": {"enabled": False, "maxVisible": 22, "drawThreshold": 10}},
                },
            }
        )
    )
    page = _BOOTSTRAP.sub("", network.generate_html())
    page = page.replace("</body>", script + (_CLICKS if report_clicks else "") + "</body>", 1)
    refuse_outside(page)
    if _HTML_POPUP in page:
        raise RuntimeError("the rendered view would show tooltips as HTML")
    return page
