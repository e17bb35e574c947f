"""The map of a view: where its nodes are, its shipments' routes and its seizures by
country, on one self-contained page that fetches nothing.

Country outlines (Natural Earth, installed with the tool: :func:`graph.views.geo.countries`)
are projected in Python (Natural Earth projection) into SVG paths; no tile server, no
outside request. Each placed node is a mark coloured and shaped as in the graph
(:func:`graph.views.drawing.marks`), its precision shown: solid for an exact position,
ringed for a city, in a large translucent disc for a country (somewhere in it). Nodes
at the same place spread around it; each place is labelled where its label fits (the
rest in tooltips). Shipments are arcs with arrowheads from stop to stop; countries with
seizures are shaded by their count. Pan with the mouse, zoom with the wheel or the
buttons.

Safe: names come from scraped storefronts. The page's data goes through
:func:`graph.views.page.script_data`, its text is set as text (``textContent``, never
HTML), the page carries the briefings' Content-Security-Policy and
:func:`graph.views.page.refuse_outside` refuses it if its markup would fetch anything.
With ``report_clicks``, a click on marks posts ``{kind: "selection", ids}`` to the
parent; a ``{kind: "show-selection", ids}`` message from the parent highlights them.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Mapping

import networkx as nx

from graph.model import Model
from graph.views.drawing import legend_html, marks
from graph.views.geo import PRECISIONS, Located, countries, locate
from graph.views.page import CSP, refuse_outside, script_data
from graph.views.text import visible

__all__ = ["map_html", "map_words", "project"]

#: The span (projected degrees) the map shows at least, so one place still shows its region.
MIN_SPAN = 40.0
UNPLACED_SHOWN = 50
SEIZED = "#c0392b"


def project(lat: float, lon: float) -> tuple[float, float]:
    """Natural Earth projection (Šavrič et al. 2011), in degrees, y downwards (SVG)."""
    phi, lam = math.radians(lat), math.radians(lon)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return round(math.degrees(x), 2), round(-math.degrees(y), 2)


def _ring_path(ring: Iterable[tuple[float, float]]) -> str:
    """An outline ring as an SVG path in tenths of a projected degree (whole numbers: a
    small page): first point absolute, then relative steps."""
    points = [(round(x * 10), round(y * 10)) for x, y in (project(lat, lon) for lon, lat in ring)]
    steps = " ".join(f"{x2 - x1} {y2 - y1}" for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))
    return f"M{points[0][0]} {points[0][1]}l{steps}z"


def _shade(count: int, most: int) -> float:
    return round(0.18 + 0.5 * count / max(most, 1), 2)


def _land(seizures: Counter) -> str:
    """Every country's outline as a path, shaded by its seizures."""
    most = max(seizures.values(), default=0)
    paths = []
    for code, country in sorted(countries().items()):
        seized = seizures.get(code, 0)
        style = f' style="fill:{SEIZED};fill-opacity:{_shade(seized, most)}"' if seized else ""
        paths.append(
            f'<path data-code="{html.escape(code)}" data-name="{html.escape(country.name)}"{style} '
            f'd="{"".join(_ring_path(ring) for ring in country.rings)}"/>'
        )
    return "".join(paths)


def _name(graph: nx.MultiDiGraph, model: Model, key: str) -> str:
    data = graph.nodes[key]
    return visible(model.display_name(data.get("labels") or [], data.get("properties") or {}, key))


def _setup(
    graph: nx.MultiDiGraph, model: Model, located: Located, colour_by: str, membership: Mapping[str, int] | None
) -> dict:
    """What the page's script draws, as data (names as text)."""
    drawn = marks(graph, colour_by, membership)
    placed, glyphs = [], {}  # each mark's glyph once (an SVG data URI: a view has few)
    for key, position in located.positions.items():
        x, y = project(position.lat, position.lon)
        placed.append(
            {
                "id": key,
                "name": _name(graph, model, key),
                "labels": visible(", ".join(graph.nodes[key].get("labels") or [])),
                "x": x,
                "y": y,
                "precision": position.precision,
                "place": visible(position.place),
                "colour": drawn[key].colour,
                "glyph": glyphs.setdefault(drawn[key].source(), len(glyphs)),
            }
        )
    routes = [
        {
            "id": route.shipment,
            "name": _name(graph, model, route.shipment),
            "stops": [
                {"x": x, "y": y, "role": stop.role, "place": visible(stop.position.place)}
                for stop in route.stops
                for x, y in [project(stop.position.lat, stop.position.lon)]
            ],
        }
        for route in located.routes
    ]
    seizures = []
    for code, count in sorted(located.seizures.items()):
        country = countries().get(code)
        where = (
            country.centre if country else next((p.lat, p.lon) for p in located.positions.values() if p.country == code)
        )
        x, y = project(*where)
        seizures.append({"code": code, "name": country.name if country else code, "count": count, "x": x, "y": y})
    return {
        "marks": placed,
        "glyphs": list(glyphs),
        "routes": routes,
        "seizures": seizures,
        "extent": _extent(placed, routes),
    }


def _extent(placed: list[dict], routes: list[dict]) -> list[float]:
    """What the map shows first: every mark and stop, at least :data:`MIN_SPAN` wide."""
    points = [(m["x"], m["y"]) for m in placed] + [(s["x"], s["y"]) for r in routes for s in r["stops"]]
    if not points:
        return [-180.0, -90.0, 180.0, 90.0]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    middle_x, middle_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half_x, half_y = max(max(xs) - min(xs), MIN_SPAN) / 2, max(max(ys) - min(ys), MIN_SPAN / 2) / 2
    return [middle_x - half_x, middle_y - half_y, middle_x + half_x, middle_y + half_y]


def map_words(graph: nx.MultiDiGraph, located: Located) -> str:
    """The map in a line: how many nodes are placed and how precisely, routes, no place."""
    precision = Counter(position.precision for position in located.positions.values())
    said = ", ".join(f"{precision[p]} {p}" for p in PRECISIONS if precision[p])
    words = [f"{len(located.positions)} of {graph.number_of_nodes()} nodes placed" + (f" ({said})" if said else "")]
    words.append(f"{len(located.routes)} shipment route{'s' * (len(located.routes) != 1)}")
    seized, where = sum(located.seizures.values()), len(located.seizures)
    if seized:
        words.append(f"{seized} seizure{'s' * (seized != 1)} in {where} countr{'ies' if where != 1 else 'y'}")
    words.append(f"{len(located.unplaced)} with no place")
    return " · ".join(words)


def _unplaced(graph: nx.MultiDiGraph, model: Model, located: Located) -> str:
    """The nodes with no place, counted by label and listed (escaped text)."""
    if not located.unplaced:
        return ""
    labels = Counter((graph.nodes[key].get("labels") or ["?"])[0] for key in located.unplaced)
    counted = ", ".join(f"{label} ×{count}" for label, count in labels.most_common())
    names = "".join(
        f"<li>{html.escape(_name(graph, model, key))} <span>({html.escape(visible(key))})</span></li>"
        for key in located.unplaced[:UNPLACED_SHOWN]
    )
    more = len(located.unplaced) - UNPLACED_SHOWN
    names += f"<li>… and {more} more</li>" if more > 0 else ""
    return (
        f'<details id="unplaced"><summary>{len(located.unplaced)} with no place: '
        f"{html.escape(visible(counted))}</summary><ul>{names}</ul></details>"
    )


def map_html(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    colour_by: str = "label",
    membership: Mapping[str, int] | None = None,
    located: Located | None = None,
    height: str = "650px",
    report_clicks: bool = False,
    selected: Iterable[str] = (),
) -> str:
    """A self-contained HTML page drawing the map of ``graph`` (``located``: its places,
    read from the graph when not given), coloured as :func:`~graph.views.drawing.network_html`
    colours the graph, ``selected`` nodes highlighted."""
    located = located if located is not None else locate(graph)
    setup = _setup(graph, model, located, colour_by, membership)
    setup |= {"selected": [str(key) for key in selected], "report": report_clicks}
    legend = legend_html(graph.subgraph(located.positions), colour_by, membership)
    page = _PAGE.format(
        csp=CSP,
        height=html.escape(height),
        land=_land(located.seizures),
        legend=legend,
        words=html.escape(map_words(graph, located)),
        unplaced=_unplaced(graph, model, located),
        seized=SEIZED,
        script=_SCRIPT.replace("SETUP", script_data(setup)),
    )
    return refuse_outside(page)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>Map</title>
<style>
body {{ margin: 0; font-family: system-ui, sans-serif; font-size: 13px; color: #222; }}
#frame {{ position: relative; height: {height}; background: #eef3f7; overflow: hidden; }}
#map {{ width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }}
#land path {{ fill: #fbfbf8; stroke: #9aa5ad; stroke-width: 0.6; vector-effect: non-scaling-stroke; }}
#land path:hover {{ stroke: #333; }}
.mark {{ cursor: pointer; }} .mark.selected .dot {{ stroke: #111; stroke-width: 3; }}
.stop {{ fill: #fff; stroke: #37474f; stroke-width: 1.5; }}
.leg {{ fill: none; stroke: #37474f; stroke-width: 1.6; stroke-opacity: 0.75; }}
.leg.selected, .leg.hover {{ stroke: #111; stroke-width: 3; stroke-opacity: 1; }}
.hit {{ fill: none; stroke: transparent; stroke-width: 10; cursor: pointer; }}
.place {{ font-size: 12px; fill: #1a1a1a; stroke: #fff; stroke-width: 4px; paint-order: stroke; }}
.count {{ font-size: 12px; font-weight: 600; fill: {seized}; stroke: #fff; stroke-width: 4px; paint-order: stroke; }}
.place, .count {{ pointer-events: none; }}
#tip {{ position: absolute; display: none; pointer-events: none; background: #fff; border: 1px solid #999;
  padding: 4px 6px; white-space: pre; max-width: 420px; overflow: hidden; font-size: 12px; }}
#zoom {{ position: absolute; top: 8px; right: 8px; display: flex; flex-direction: column; gap: 4px; }}
#zoom button {{ width: 30px; height: 30px; font-size: 16px; background: #fff; border: 1px solid #999;
  border-radius: 4px; cursor: pointer; }}
#key {{ position: absolute; left: 8px; bottom: 8px; background: rgba(255,255,255,.9); padding: 4px 8px;
  border-radius: 4px; max-width: 70%; }}
#key svg {{ vertical-align: middle; }} .item {{ display: inline-block; margin-right: 1em; white-space: nowrap; }}
#below {{ padding: 4px 8px; }} #unplaced ul {{ columns: 3; margin: 4px 0; }} #unplaced span {{ color: #777; }}
</style></head>
<body>
<div id="frame">
<svg id="map" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
 orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0 0L10 5L0 10z" fill="#37474f"/></marker></defs>
<g id="land">{land}</g><g id="routes"></g><g id="marks"></g><g id="labels"></g>
</svg>
<div id="zoom"><button id="zoom-in" title="zoom in">+</button><button id="zoom-out" title="zoom out">−</button>
<button id="zoom-fit" title="fit the view">⤢</button></div>
<div id="key"><span class="item"><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="#555"/></svg>
exact</span><span class="item"><svg width="18" height="18"><circle cx="9" cy="9" r="4" fill="#555"/>
<circle cx="9" cy="9" r="8" fill="none" stroke="#555" stroke-width="1.5"/></svg> city</span><span class="item">
<svg width="22" height="22"><circle cx="11" cy="11" r="10" fill="#555" fill-opacity=".18" stroke="#555"
stroke-dasharray="3 2"/><circle cx="11" cy="11" r="4" fill="#555"/></svg> somewhere in the country</span>
<span class="item"><svg width="26" height="10"><path d="M1 5h20" stroke="#37474f" stroke-width="1.6"/>
<path d="M18 1l7 4l-7 4z" fill="#37474f"/></svg> shipment</span><span class="item"><svg width="14" height="14">
<rect width="14" height="14" fill="{seized}" fill-opacity=".5"/></svg> seizures</span><br>{legend}</div>
<div id="tip"></div>
</div>
<div id="below">{words}{unplaced}</div>
{script}
</body></html>
"""

# Drawn in screen space on every pan or zoom (marks, arcs and labels keep their size);
# the land is one group scaled as a whole. Labels are placed greedily, the largest
# places first, wherever they do not cover another label or a place's marks.
_SCRIPT = """<script>
(function (setup) {
  var NS = "http://www.w3.org/2000/svg", svg = document.getElementById("map"), land = document.getElementById("land");
  var routesLayer = document.getElementById("routes"), marksLayer = document.getElementById("marks");
  var labelsLayer = document.getElementById("labels"), tip = document.getElementById("tip");
  var view = {k: 1, x: 0, y: 0}, fitted = 1, selected = {}, dragged = false;
  setup.selected.forEach(function (id) { selected[id] = true; });
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (a) { node.setAttribute(a, attrs[a]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function screen(x, y) { return [x * view.k + view.x, y * view.k + view.y]; }
  function seizures(count) { return count + (count === 1 ? " seizure" : " seizures"); }
  function showTip(event, text) {
    tip.textContent = text; tip.style.display = "block";
    var box = svg.getBoundingClientRect();
    tip.style.left = Math.min(event.clientX - box.left + 14, box.width - tip.offsetWidth - 4) + "px";
    tip.style.top = Math.min(event.clientY - box.top + 14, box.height - tip.offsetHeight - 4) + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  // Places: the marks at one point, spread around it (a sunflower), labelled once.
  var places = {}, order = [];
  setup.marks.forEach(function (m) {
    var at = m.x + "," + m.y;
    if (!places[at]) { places[at] = {x: m.x, y: m.y, marks: [], place: m.place}; order.push(at); }
    places[at].marks.push(m);
  });
  order.forEach(function (at) {
    var place = places[at];
    place.marks.forEach(function (m, i) {
      var r = place.marks.length > 1 ? 11 * Math.sqrt(i + 0.5) : 0, a = i * 2.39996;
      m.dx = r * Math.cos(a); m.dy = r * Math.sin(a);
    });
    place.radius = place.marks.length > 1 ? 11 * Math.sqrt(place.marks.length) + 8 : 10;
    place.text = place.place.split(", the largest")[0] + (place.marks.length > 1 ? " · " + place.marks.length : "");
    place.label = el("text", {"class": "place", "text-anchor": "middle"}, labelsLayer);
    place.label.textContent = place.text;
  });
  order.sort(function (a, b) { return places[b].marks.length - places[a].marks.length; });
  // A route's stop where no node of the view is (a shipment's port of loading): a small ring, labelled too.
  var stops = {};
  setup.routes.forEach(function (route) {
    route.stops.forEach(function (stop) {
      var at = stop.x + "," + stop.y;
      if (places[at] || stops[at]) return;
      var dot = el("circle", {"class": "stop", r: 4.5}, marksLayer), words = stop.role + ": " + stop.place;
      dot.addEventListener("mousemove", function (event) { showTip(event, words); });
      dot.addEventListener("mouseleave", hideTip);
      places[at] = stops[at] = {x: stop.x, y: stop.y, marks: [], radius: 7, dot: dot};
      places[at].label = el("text", {"class": "place", "text-anchor": "middle"}, labelsLayer);
      places[at].label.textContent = stop.place.split(", the largest")[0];
      order.push(at);
    });
  });
  setup.seizures.forEach(function (s) {
    s.label = el("text", {"class": "count", "text-anchor": "middle"}, labelsLayer);
    s.label.textContent = seizures(s.count);
  });
  setup.marks.forEach(function (m) {
    var g = el("g", {"class": "mark", "data-id": m.id, "data-precision": m.precision}, marksLayer);
    if (m.precision === "country") {
      el("circle", {r: 16, fill: m.colour, "fill-opacity": 0.16, stroke: m.colour, "stroke-dasharray": "3 2"}, g);
    } else if (m.precision === "city") {
      el("circle", {r: 10, fill: "none", stroke: m.colour, "stroke-width": 1.5}, g);
    }
    el("circle", {"class": "dot", r: 7.5, fill: "#fff", "fill-opacity": 0.85, stroke: "none"}, g);
    el("image", {href: setup.glyphs[m.glyph], x: -6, y: -6, width: 12, height: 12}, g);
    m.node = g;
    var words = [m.name, m.id + " (" + m.labels + ")", m.precision + ": " + m.place];
    g.addEventListener("mousemove", function (event) { showTip(event, words.join("\\n")); });
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("click", function (event) { event.stopPropagation(); pick([m.id], event); });
  });
  setup.routes.forEach(function (route) {
    route.legs = [];
    for (var i = 1; i < route.stops.length; i++) {
      var leg = el("path", {"class": "leg", "data-shipment": route.id, "marker-end": "url(#arrow)"}, routesLayer);
      var hit = el("path", {"class": "hit", "data-shipment": route.id}, routesLayer);
      route.legs.push([leg, hit, route.stops[i - 1], route.stops[i]]);
      var words = [route.name + " (" + route.id + ")"].concat(route.stops.map(function (s) {
        return s.role + ": " + s.place; }));
      hit.addEventListener("mousemove", function (event) {
        showTip(event, words.join("\\n"));
        route.legs.forEach(function (l) { l[0].classList.add("hover"); });
      });
      hit.addEventListener("mouseleave", function () {
        hideTip(); route.legs.forEach(function (l) { l[0].classList.remove("hover"); });
      });
      hit.addEventListener("click", function (event) { event.stopPropagation(); pick([route.id], event); });
    }
  });
  var seized = {};
  setup.seizures.forEach(function (s) { seized[s.code] = s.count; });
  Array.prototype.forEach.call(land.querySelectorAll("path"), function (path) {
    var count = seized[path.getAttribute("data-code")];
    var words = path.getAttribute("data-name") + (count ? "\\n" + seizures(count) : "");
    path.addEventListener("mousemove", function (event) { showTip(event, words); });
    path.addEventListener("mouseleave", hideTip);
  });
  function arc(a, b) {  // a quadratic curve bowing to the left of the way, ending short of the mark
    var p = screen(a.x, a.y), q = screen(b.x, b.y), dx = q[0] - p[0], dy = q[1] - p[1];
    var length = Math.sqrt(dx * dx + dy * dy) || 1, cx = (p[0] + q[0]) / 2 - dy * 0.2;
    var cy = (p[1] + q[1]) / 2 + dx * 0.2, ex = q[0] - cx, ey = q[1] - cy;
    var toEnd = Math.sqrt(ex * ex + ey * ey) || 1, short = Math.min(12, length / 3) / toEnd;
    return "M" + p[0] + " " + p[1] + "Q" + cx + " " + cy + " " + (q[0] - ex * short) + " " + (q[1] - ey * short);
  }
  function overlaps(box, boxes) {
    return boxes.some(function (o) { return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]; });
  }
  function draw() {
    land.setAttribute("transform", "translate(" + view.x + " " + view.y + ") scale(" + view.k / 10 + ")");
    setup.marks.forEach(function (m) {
      var p = screen(m.x, m.y);
      m.node.setAttribute("transform", "translate(" + (p[0] + m.dx) + " " + (p[1] + m.dy) + ")");
      m.node.classList.toggle("selected", !!selected[m.id]);
    });
    setup.routes.forEach(function (route) {
      route.legs.forEach(function (l) {
        var d = arc(l[2], l[3]);
        l[0].setAttribute("d", d); l[1].setAttribute("d", d);
        l[0].classList.toggle("selected", !!selected[route.id]);
      });
    });
    Object.keys(stops).forEach(function (at) {
      var p = screen(stops[at].x, stops[at].y);
      stops[at].dot.setAttribute("cx", p[0]); stops[at].dot.setAttribute("cy", p[1]);
    });
    var taken = order.map(function (at) {
      var p = screen(places[at].x, places[at].y), r = places[at].radius;
      return [p[0] - r, p[1] - r, p[0] + r, p[1] + r];
    });
    var width = svg.clientWidth, height = svg.clientHeight;
    var labels = setup.seizures.map(function (s) { return [s.label, s.x, s.y, [[0, 4], [0, -20], [0, 26]]]; })
      .concat(order.map(function (at) {
        var place = places[at], r = place.radius, w = place.label.textContent.length * 3.3 + 4;
        return [place.label, place.x, place.y, [[0, r + 12], [0, -r - 4], [r + w, 4], [-r - w, 4]]];
      }));
    labels.forEach(function (item) {  // the first spot beside it that is free, else none (the tooltip says it)
      var p = screen(item[1], item[2]), w = item[0].textContent.length * 6.6 + 6;
      var spot = item[3].map(function (offset) {
        var x = p[0] + offset[0], y = p[1] + offset[1];
        return [x, y, [x - w / 2, y - 11, x + w / 2, y + 3]];
      }).filter(function (candidate) {
        var box = candidate[2];
        return box[0] >= 0 && box[2] <= width && box[1] >= 0 && box[3] <= height && !overlaps(box, taken);
      })[0];
      item[0].style.display = spot ? "" : "none";
      if (!spot) return;
      item[0].setAttribute("x", spot[0]); item[0].setAttribute("y", spot[1]);
      taken.push(spot[2]);
    });
  }
  function fit() {
    var w = svg.clientWidth, h = svg.clientHeight, e = setup.extent;
    if (!w || !h) return;
    view.k = fitted = Math.min(0.85 * w / (e[2] - e[0]), 0.8 * h / (e[3] - e[1]));
    view.x = w / 2 - view.k * (e[0] + e[2]) / 2; view.y = h / 2 - view.k * (e[1] + e[3]) / 2;
    draw();
    window.mapFitted = true;
  }
  function zoom(factor, cx, cy) {
    var k = Math.max(fitted / 4, Math.min(fitted * 60, view.k * factor));
    view.x = cx - (cx - view.x) * k / view.k; view.y = cy - (cy - view.y) * k / view.k; view.k = k;
    draw();
  }
  function post() {
    if (setup.report) parent.postMessage({kind: "selection", ids: Object.keys(selected)}, "*");
  }
  function pick(ids, event) {
    if (dragged) return;
    if (!(event.ctrlKey || event.metaKey || event.shiftKey)) selected = {};
    ids.forEach(function (id) {
      if (selected[id] && (event.ctrlKey || event.metaKey)) delete selected[id]; else selected[id] = true;
    });
    draw(); post();
  }
  document.addEventListener("mousemove", function (event) {  // off everything that has a tooltip
    if (!event.target.closest(".mark, .hit, .stop, #land path")) hideTip();
  });
  svg.addEventListener("click", function () {
    if (dragged || !Object.keys(selected).length) return;
    selected = {}; draw(); post();
  });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var box = svg.getBoundingClientRect();
    zoom(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
  }, {passive: false});
  var start = null;
  svg.addEventListener("mousedown", function (event) {
    start = [event.clientX, event.clientY, view.x, view.y]; dragged = false;
  });
  window.addEventListener("mousemove", function (event) {
    if (!start) return;
    var dx = event.clientX - start[0], dy = event.clientY - start[1];
    if (Math.abs(dx) + Math.abs(dy) > 3) dragged = true;
    if (dragged) { view.x = start[2] + dx; view.y = start[3] + dy; hideTip(); draw(); }
  });
  window.addEventListener("mouseup", function () { start = null; setTimeout(function () { dragged = false; }, 0); });
  function button(id, factor) {
    document.getElementById(id).addEventListener("click", function (event) {
      event.stopPropagation(); zoom(factor, svg.clientWidth / 2, svg.clientHeight / 2);
    });
  }
  button("zoom-in", 1.6); button("zoom-out", 1 / 1.6);
  document.getElementById("zoom-fit").addEventListener("click", fit);
  window.addEventListener("message", function (event) {  // a selection made in the graph or the table
    var message = event.data;
    if (event.source !== parent || !message || message.kind !== "show-selection" || !Array.isArray(message.ids)) return;
    selected = {};
    message.ids.forEach(function (id) { if (typeof id === "string") selected[id] = true; });
    draw();
  });
  var size = [0, 0];
  new ResizeObserver(function () {
    if (svg.clientWidth === size[0] && svg.clientHeight === size[1]) return;
    size = [svg.clientWidth, svg.clientHeight];
    fit();
  }).observe(svg);
  fit();
  window.mapSelected = function () { return Object.keys(selected).sort(); };
})(SETUP);
</script>
"""
