"""Drawing a view of the graph with pyvis: fast, offline and safe.

Fast: positions come from igraph's Fruchterman-Reingold in Python and physics is off, so
the browser draws once instead of simulating (pyvis's defaults take ~28 s to settle 500
nodes); nodes and edges go into the network as lists, not through ``add_edge``, which
scans every existing edge.

Offline: pyvis's ``in_line`` template still links Bootstrap from a CDN; those tags are
removed, and :func:`network_html` refuses to return HTML whose markup would fetch
anything (the data lines are not markup: a name reading ``src=//...`` is only text).

Safe: names come from scraped storefronts. Labels are drawn on the canvas (never parsed
as HTML); tooltips are plain text, which vis-network 9 shows as text; pyvis's template
serialises data with Jinja's ``tojson`` (``<`` escaped). One pyvis quirk remains: a
node title containing ``href`` switches every tooltip to a popup that sets
``innerHTML``, so every string the view shows goes through :func:`_text` (which breaks
the word with a zero-width space and shows direction controls), and a page with that
popup is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import networkx as nx
from pyvis.network import Network

from graph.analysis.seeding import seeded_igraph
from graph.model import Model
from graph.views.text import visible

__all__ = ["PALETTE", "colour_of", "layout", "network_html", "legend"]

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#86bcb6",
    "#d37295",
    "#fabfd2",
    "#8cd17d",
    "#b6992d",
    "#499894",
]
MORE = "#cccccc"
_HTML_POPUP = "popup.innerHTML"
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_DATA_LINES = re.compile(r"new vis\.DataSet\(.*\);$", re.MULTILINE)  # tojson: one line, no raw "<"
_BOOTSTRAP = re.compile(r"<link[^>]*cdn\.jsdelivr\.net[^>]*>|<script[^>]*cdn\.jsdelivr\.net[^>]*>\s*</script>", re.S)


# A click is reported after a short wait, and dropped if it was half of a double click:
# one message per gesture, so the app reruns once.
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
</script>
"""


def colour_of(value: object, order: list) -> str:
    """A stable colour for a label or community."""
    try:
        return PALETTE[order.index(value) % len(PALETTE)]
    except ValueError:
        return MORE


def layout(graph: nx.Graph, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Pixel positions from igraph's Fruchterman-Reingold (seeded), spread with the size."""
    import igraph

    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v})
    small = igraph.Graph(n=len(nodes), edges=pairs)
    with seeded_igraph(seed):
        coordinates = small.layout_fruchterman_reingold(niter=300 if len(nodes) < 2000 else 100, grid="auto")
    scale = 110.0 * max(1.0, len(nodes) ** 0.5) / max(1.0, max(abs(c) for xy in coordinates for c in xy))
    return {node: (xy[0] * scale, xy[1] * scale) for node, xy in zip(nodes, coordinates, strict=True)}


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


def legend(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None = None) -> dict[str, str]:
    """What each colour means in a view: label or community -> colour."""
    values = _colour_values(graph, colour_by, membership)
    order = sorted(set(values.values()), key=str)
    return {visible(value): colour_of(value, order) for value in order}


def _colour_values(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None) -> dict:
    if colour_by == "community" and membership is not None:
        return {node: membership.get(node, "none") for node in graph.nodes}
    return {node: (data.get("labels") or ["?"])[0] for node, data in graph.nodes(data=True)}


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
    seed: int = 42,
    report_clicks: bool = False,
) -> str:
    """A self-contained HTML page drawing ``graph`` (from the store's neighbourhood,
    subgraph or a query): colours by label or community, sizes by a score, a grey
    "+ N more" node beside each node whose other neighbours were left out. With
    ``report_clicks``, a click (select) or double click (expand) on a node is posted to
    the parent window as ``{kind, id}``: the app's frame listens for it."""
    view = nx.Graph(graph)
    for node, hidden in (more or {}).items():
        if hidden > 0 and node in view:
            view.add_edge(node, f"more:{node}")
    positions = layout(view, seed)
    values = _colour_values(graph, colour_by, membership)
    order = sorted(set(values.values()), key=str)
    largest = max((sizes or {}).values(), default=0) or 1
    nodes = []
    for key, data in sorted(graph.nodes(data=True)):
        labels = data.get("labels") or []
        properties = data.get("properties") or {}
        name = model.display_name(labels, properties, key)
        x, y = positions[key]
        nodes.append(
            {
                "id": key,
                "label": _text(name, 40),
                "title": _tooltip(key, labels, properties),
                "color": colour_of(values[key], order),
                "size": 10 + 25 * float((sizes or {}).get(key, 0)) / largest,
                "x": x,
                "y": y,
                "borderWidth": 4 if highlight and key in highlight else 1,
                "shape": "dot",
            }
        )
    for node, hidden in sorted((more or {}).items()):
        if hidden > 0 and node in graph:
            x, y = positions[f"more:{node}"]
            nodes.append(
                {
                    "id": f"more:{node}",
                    "label": f"+ {hidden} more",
                    "title": _text(f"{hidden} more neighbours of {node}"),
                    "color": MORE,
                    "size": 8,
                    "x": x,
                    "y": y,
                    "shape": "box",
                }
            )
    edges = [
        {
            "from": u,
            "to": v,
            "title": _text(data.get("type", "")),
            "label": _text(data.get("type", ""), 30),
            "arrows": "to",
        }
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("type", "")))
    ]
    edges += [
        {"from": node, "to": f"more:{node}", "dashes": True, "color": MORE}
        for node, hidden in sorted((more or {}).items())
        if hidden > 0 and node in graph
    ]
    network = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    network.nodes, network.edges = nodes, edges
    network.node_ids = [node["id"] for node in nodes]
    network.node_map = {node["id"]: node for node in nodes}
    network.set_options(
        '{"physics": {"enabled": false}, "edges": {"smooth": false, "font": {"size": 9, "align": "middle"}},'
        ' "interaction": {"hover": true, "tooltipDelay": 150, "hideEdgesOnDrag": true},'
        ' "nodes": {"font": {"size": 12}}}'
    )
    html = _BOOTSTRAP.sub("", network.generate_html())
    if report_clicks:
        html = html.replace("</body>", _CLICKS + "</body>", 1)
    if _EXTERNAL.search(_DATA_LINES.sub("", html)):
        raise RuntimeError("the rendered view would fetch an outside resource")
    if _HTML_POPUP in html:
        raise RuntimeError("the rendered view would show tooltips as HTML")
    return html
