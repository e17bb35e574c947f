"""The timeline of a view drawn as swimlanes: one self-contained, offline HTML page.

One lane per node or relationship of the view that has event dates (its display name at
the left, cut with an ellipsis and whole in its tooltip; many lanes scroll under a
sticky time axis), ordered by their first date; spans as bars (an open end runs to the
edge, dashed), point events as diamonds, each node in its colour and shape in the drawing
(:func:`graph.views.drawing.marks`), relationships in grey. Undated nodes are counted
above the lanes, listed on a click or in the count's tooltip.

What the investigator does is posted to the parent window, as the drawing does:
dragging across the axis or the lanes selects a period (``{kind: "window", start, end}``,
ISO days, both included: :func:`graph.views.timeline.in_window`'s period); a click on a
lane or its name selects its nodes (``{kind: "selection", ids}``, ctrl/shift-click adds);
Play moves a window of fixed width through time by half its width, posting each step
(with ``play: true``, so the app can tell them from a brush), until Pause or the end.
The page shows the window and selection its parent sends (``{kind: "show-selection",
ids, window}``), or those it was made with (a briefing).

Safe: names reach the page through :func:`graph.views.page.script_data` and the page
only ever sets them as text (``textContent``, SVG ``<title>``); its Content-Security-
Policy lets nothing load, and :func:`graph.views.page.refuse_outside` checks its markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.model import Model
from graph.views.drawing import marks
from graph.views.page import CSP, refuse_outside, script_data
from graph.views.text import visible
from graph.views.timeline import UNDATED, relationship_key, view_events

__all__ = [
    "LINK_COLOUR",
    "TimelineShown",
    "Window",
    "timeline_height",
    "timeline_html",
    "timeline_lanes",
    "timeline_page",
]

LINK_COLOUR = "#8a8f96"
NAME_WIDTH = 240  # pixels for the lanes' names
ROW = 22  # pixels per lane
#: A period, both days included.
Window = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class TimelineShown:
    """A timeline as on screen, for a briefing: the view it draws (before the period
    filtered it) and the period brushed, if any."""

    graph: nx.MultiDiGraph
    window: Window | None = None


def timeline_height(lanes: int) -> int:
    """Pixels that show the bar, the axis and ``lanes`` lanes (at least two) whole."""
    return 32 + 36 + ROW * max(lanes, 2) + 4


def _day(when: Any) -> str:
    """An event's day in ISO (a zoned time's day in UTC)."""
    if isinstance(when, dt.datetime) and when.tzinfo:
        when = when.astimezone(dt.UTC)
    return when.isoformat()[:10]


def _lane(row: Any, ids: list[str], colour: str, shape: str, link: bool) -> dict[str, Any]:
    """A lane named by its first event's row, without its dates yet."""
    lane: dict[str, Any] = {"key": row.key, "ids": ids, "name": visible(row.name), "label": visible(row.label)}
    return lane | {
        "colour": colour,
        "shape": shape,
        "link": link,
        "start": None,
        "end": None,
        "points": [],
        "events": [],
    }


def _add(lane: dict[str, Any], day: str, event: str, role: str) -> None:
    """One event on its lane: a point, or a span's earliest start or latest end."""
    lane["events"].append([day, event, role])
    if role == "point":
        lane["points"].append([day, event])
    elif lane[role] is None or (day < lane[role] if role == "start" else day > lane[role]):
        lane[role] = day


def timeline_lanes(
    graph: nx.MultiDiGraph, model: Model, *, colour_by: str = "label", membership: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """What the timeline draws: ``lanes`` in order of their first date (key, the node ids
    a click selects, name, label, colour, shape image, whether it is a relationship,
    start, end, points, events), the ``undated`` nodes (key, name, label) and the days
    the lanes cover (``first``, ``last``)."""
    mark = marks(graph, colour_by, membership)
    shapes = {drawn: drawn.source() for drawn in set(mark.values())}  # a few marks: each image made once
    ends = {relationship_key(u, data["type"], v): [u, v] for u, v, data in graph.edges(data=True)}
    lanes: dict[str, dict[str, Any]] = {}  # in the order of the events: by first date
    undated = []
    for row in view_events(graph, model).itertuples(index=False):
        if row.role == UNDATED:
            undated.append({"key": row.key, "name": visible(row.name), "label": visible(row.label)})
            continue
        lane = lanes.get(row.key)
        if lane is None:
            node = mark.get(row.key)
            lane = lanes[row.key] = (
                _lane(row, ends.get(row.key, []), LINK_COLOUR, "", True)
                if node is None
                else _lane(row, [row.key], node.colour, shapes[node], False)
            )
        _add(lane, _day(row.date), visible(row.event), str(row.role))
    days = [day for lane in lanes.values() for day, _, _ in lane["events"]]
    return {
        "lanes": list(lanes.values()),
        "undated": undated,
        "first": min(days, default=None),
        "last": max(days, default=None),
    }


def timeline_html(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    colour_by: str = "label",
    membership: Mapping[str, int] | None = None,
    window: Window | None = None,
    selected: Iterable[str] = (),
    play_every: float = 1.5,
) -> str:
    """The timeline page of a view (see the module's docstring), showing ``window`` and
    ``selected`` nodes until its parent says otherwise; Play steps every ``play_every``
    seconds."""
    lanes = timeline_lanes(graph, model, colour_by=colour_by, membership=membership)
    return timeline_page(lanes, window=window, selected=selected, play_every=play_every)


def timeline_page(
    lanes: Mapping[str, Any], *, window: Window | None = None, selected: Iterable[str] = (), play_every: float = 1.5
) -> str:
    """:func:`timeline_html` of the view's :func:`timeline_lanes`."""
    setup = dict(lanes) | {
        "window": [day.isoformat() for day in window] if window else None,
        "selected": [str(key) for key in selected],
        "playEvery": int(play_every * 1000),
    }
    page = _PAGE.replace("NAMEpx", f"{NAME_WIDTH}px").replace("ROWpx", f"{ROW}px").replace("ROW_PX", str(ROW))
    return refuse_outside(page.replace("CSP_POLICY", CSP).replace("SETUP", script_data(setup)))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="CSP_POLICY">
<title>Timeline</title>
<style>
html, body { margin: 0; height: 100%; font: 13px system-ui, sans-serif; color: #1a1a1a; background: #fff; }
#bar { display: flex; gap: 0.8em; align-items: center; height: 32px; padding: 0 8px; box-sizing: border-box;
       border-bottom: 1px solid #ddd; white-space: nowrap; overflow: hidden; }
#bar button { font: inherit; padding: 2px 10px; cursor: pointer; }
#shown { color: #1f4e8c; font-weight: 600; }
#undated { color: #555; cursor: pointer; text-decoration: underline dotted; }
#undated-list { position: absolute; top: 32px; right: 8px; z-index: 5; max-height: 60vh; overflow: auto;
                background: #fff; border: 1px solid #bbb; box-shadow: 0 2px 8px #0003; padding: 6px 10px;
                margin: 0; list-style: none; max-width: 60vw; }
#undated-list li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 20px; }
#scroll { position: relative; overflow-y: auto; overflow-x: hidden; height: calc(100% - 32px); }
#head { position: sticky; top: 0; z-index: 2; display: flex; background: #fff; border-bottom: 1px solid #bbb; }
#corner { flex: none; width: NAMEpx; box-sizing: border-box; padding: 0 8px; line-height: 34px; color: #666; }
#axis { flex: 1; height: 34px; display: block; cursor: crosshair; user-select: none; }
#body { display: flex; }
#names { flex: none; width: NAMEpx; }
.name { display: flex; align-items: center; gap: 5px; height: ROWpx; padding: 0 8px; box-sizing: border-box;
        cursor: pointer; white-space: nowrap; }
.name span { overflow: hidden; text-overflow: ellipsis; }
.name img { width: 11px; height: 11px; flex: none; }
.name.link span { color: #555; font-style: italic; }
.name.on { background: #fff1b8; font-weight: 600; }
#plot { flex: 1; display: block; cursor: crosshair; user-select: none; }
#axis text { font-size: 12px; fill: #333; }
.empty { padding: 1em; color: #555; }
</style></head>
<body>
<div id="bar"><button id="play" type="button">▶ Play</button><span id="shown"></span>
<span id="count"></span><span id="undated" tabindex="0" role="button"></span></div>
<ul id="undated-list" hidden></ul>
<div id="scroll"><div id="head"><div id="corner"></div><svg id="axis"></svg></div>
<div id="body"><div id="names"></div><svg id="plot"></svg></div></div>
<script>
(function (setup) {
  var SVG = "http://www.w3.org/2000/svg", ROW = ROW_PX, PAD = 10, DAY = 864e5;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var lanes = setup.lanes, plot = document.getElementById("plot"), axis = document.getElementById("axis");
  var names = document.getElementById("names"), shown = document.getElementById("shown");
  var playButton = document.getElementById("play");
  var chosen = {}, windowShown = null, playing = null, drag = null, width = 0, backs = [], rows = [];
  var t0 = setup.first ? Date.parse(setup.first) : 0, t1 = setup.last ? Date.parse(setup.last) + DAY : DAY;
  var margin = Math.max((t1 - t0) * 0.02, DAY);
  t0 -= margin; t1 += margin;
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function tip(node, text) { el("title", {}, node).textContent = text; }
  function x(t) { return PAD + (t - t0) / (t1 - t0) * (width - 2 * PAD); }
  function timeAt(px) { return t0 + (px - PAD) / Math.max(width - 2 * PAD, 1) * (t1 - t0); }
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  function dayOf(t) { return Math.floor(t / DAY) * DAY; }
  function post(message) { parent.postMessage(message, "*"); }
  // Ticks at whole days, weeks, months or years: as many as fit 90 px apart.
  function ticks() {
    var want = Math.max(2, Math.floor(width / 90)), span = (t1 - t0) / DAY;
    var steps = [[1, "d"], [7, "d"], [1, "m"], [3, "m"], [6, "m"], [1, "y"], [2, "y"], [5, "y"], [10, "y"], [50, "y"]];
    var size = {d: 1, m: 30.44, y: 365.25}, step = steps[steps.length - 1];
    for (var i = steps.length - 1; i >= 0; i--) if (span / (steps[i][0] * size[steps[i][1]]) <= want) step = steps[i];
    var n = step[0], unit = step[1], d = new Date(t0), at, found = [];
    if (unit === "d") at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    else if (unit === "m") at = Date.UTC(d.getUTCFullYear(), Math.ceil((d.getUTCMonth() + 1) / n) * n, 1);
    else at = Date.UTC(Math.ceil((d.getUTCFullYear() + 1) / n) * n, 0, 1);
    while (at <= t1) {
      var t = new Date(at), y = t.getUTCFullYear(), m = t.getUTCMonth();
      var text = (unit === "d" ? t.getUTCDate() + " " : "") + (unit === "y" ? "" : MONTHS[m] + " ") + y;
      found.push([at, text]);
      at = unit === "d" ? at + n * DAY : unit === "m" ? Date.UTC(y, m + n, 1) : Date.UTC(y + n, 0, 1);
    }
    return found;
  }
  function drawAxis() {
    axis.textContent = "";
    ticks().forEach(function (tick) {
      var px = x(tick[0]);
      el("line", {x1: px, x2: px, y1: 22, y2: 34, stroke: "#888"}, axis);
      var label = el("text", {x: px, y: 15, "text-anchor": "middle"}, axis);
      label.textContent = tick[1];
      var box = label.getBBox();  // kept inside the axis: the first and last labels are not cut
      if (box.x < 2) label.setAttribute("x", px - box.x + 2);
      if (box.x + box.width > width - 2) label.setAttribute("x", px - (box.x + box.width - width + 2));
    });
    el("rect", {id: "axis-band", y: 0, height: 34, fill: "#4a7fd4", "fill-opacity": 0.25, width: 0}, axis);
  }
  function drawLanes() {
    plot.textContent = "";
    plot.setAttribute("height", Math.max(lanes.length * ROW, 1));
    ticks().forEach(function (tick) {
      el("line", {x1: x(tick[0]), x2: x(tick[0]), y1: 0, y2: lanes.length * ROW, stroke: "#eee"}, plot);
    });
    lanes.forEach(function (lane, i) {
      var g = el("g", {"data-i": i}, plot), top = i * ROW, mid = top + ROW / 2;
      backs[i] = el("rect", {x: 0, y: top, width: width, height: ROW, fill: backing(i), "class": "lane"}, g);
      var tipText = lane.name + " (" + lane.label + ")\\n" + lane.events.map(function (e) {
        return e[0] + "  " + e[1];
      }).join("\\n");
      tip(g, tipText);
      if (lane.start !== null || lane.end !== null) {
        var a = lane.start === null ? t0 : Date.parse(lane.start);
        var b = lane.end === null ? t1 : Date.parse(lane.end) + DAY;
        var open = lane.start === null || lane.end === null;
        el("rect", {x: x(a), y: mid - 5, width: Math.max(x(b) - x(a), 2), height: 10, rx: 3, fill: lane.colour,
                    "fill-opacity": open ? 0.55 : 0.9, stroke: lane.colour, "stroke-dasharray": open ? "4 2" : "",
                    "class": "bar"}, g);
      }
      lane.points.forEach(function (point) {
        var px = x(Date.parse(point[0]) + DAY / 2);
        el("polygon", {points: [px, mid - 7, px + 6, mid, px, mid + 7, px - 6, mid].join(" "), fill: lane.colour,
                       stroke: "#222", "stroke-width": 1, "class": "mark"}, g);
      });
    });
    el("rect", {id: "plot-band", y: 0, height: lanes.length * ROW, fill: "#4a7fd4", "fill-opacity": 0.14, width: 0,
                "pointer-events": "none"}, plot);
  }
  function drawNames() {
    names.textContent = "";
    lanes.forEach(function (lane, i) {
      var row = document.createElement("div");
      row.className = nameClass(i);
      rows[i] = row;
      row.dataset.i = i;
      row.dataset.key = lane.key;
      row.title = lane.name + " (" + lane.label + ")";
      if (lane.shape) {
        var img = document.createElement("img");
        img.src = lane.shape; img.alt = "";
        row.appendChild(img);
      }
      var text = document.createElement("span");
      text.textContent = lane.name;
      row.appendChild(text);
      names.appendChild(row);
    });
  }
  function band(start, end) {  // ms, the end day included
    ["axis-band", "plot-band"].forEach(function (id) {
      var r = document.getElementById(id);
      if (!r) return;
      if (start === null) { r.setAttribute("width", 0); return; }
      r.setAttribute("x", x(start)); r.setAttribute("width", Math.max(x(end) - x(start), 1));
    });
  }
  function showWindow(win) {
    windowShown = win && win[0] && win[1] ? [win[0], win[1]] : null;
    shown.textContent = windowShown ? "showing " + windowShown[0] + " – " + windowShown[1] : "";
    if (windowShown) band(Date.parse(windowShown[0]), Date.parse(windowShown[1]) + DAY); else band(null);
    window.timelineWindow = windowShown;
  }
  function showSelection(ids) {
    var wanted = {};
    ids.forEach(function (id) { wanted[id] = true; });
    chosen = {};
    lanes.forEach(function (lane, i) { if (lane.ids.some(function (id) { return wanted[id]; })) chosen[i] = true; });
    window.timelineSelected = Object.keys(chosen).map(function (i) { return lanes[i].key; });
    // lit in place, not redrawn: a large view stays quick
    backs.forEach(function (back, i) { back.setAttribute("fill", backing(i)); });
    rows.forEach(function (row, i) { row.className = nameClass(i); });
  }
  function backing(i) { return chosen[i] ? "#fff1b8" : i % 2 ? "#fafafa" : "#fff"; }
  function nameClass(i) { return "name" + (lanes[i].link ? " link" : "") + (chosen[i] ? " on" : ""); }
  function render() {
    width = plot.clientWidth;
    if (!width) return;
    drawAxis(); drawLanes(); drawNames(); showWindow(windowShown);
    window.timelineDrawn = true;
  }
  function select(i, adding) {
    var ids = {};
    if (adding) Object.keys(chosen).forEach(function (j) { lanes[j].ids.forEach(function (id) { ids[id] = true; }); });
    if (adding && chosen[i]) lanes[i].ids.forEach(function (id) { delete ids[id]; });
    else lanes[i].ids.forEach(function (id) { ids[id] = true; });
    var list = Object.keys(ids);
    showSelection(list);
    post({kind: "selection", ids: list});
  }
  function laneOf(target) {
    var node = target.closest ? target.closest("[data-i]") : null;
    return node ? Number(node.getAttribute("data-i")) : null;
  }
  function setWindow(start, end, play) {  // ms; posted as whole days
    var win = [iso(dayOf(start)), iso(dayOf(end))];
    showWindow(win);
    post({kind: "window", start: win[0], end: win[1], play: play === true});
  }
  function adding(event) { return event.ctrlKey || event.metaKey || event.shiftKey; }
  function begin(event) {
    var box = event.currentTarget.getBoundingClientRect();
    drag = {from: event.clientX - box.left, left: box.left, moved: false, target: event.target, extra: adding(event)};
    event.preventDefault();
  }
  [plot, axis].forEach(function (area) { area.addEventListener("mousedown", begin); });
  window.addEventListener("mousemove", function (event) {
    if (!drag) return;
    var at = event.clientX - drag.left;
    if (Math.abs(at - drag.from) > 4) drag.moved = true;
    if (drag.moved) band(timeAt(Math.min(at, drag.from)), timeAt(Math.max(at, drag.from)));
  });
  window.addEventListener("mouseup", function (event) {
    if (!drag) return;
    var done = drag, at = event.clientX - done.left;
    drag = null;
    if (done.moved) { setWindow(timeAt(Math.min(at, done.from)), timeAt(Math.max(at, done.from))); return; }
    showWindow(windowShown);
    var i = laneOf(done.target);
    if (i !== null) select(i, done.extra);
  });
  names.addEventListener("click", function (event) {
    var i = laneOf(event.target);
    if (i !== null) select(i, adding(event));
  });
  // Play: a window of the brushed width (an eighth of the whole otherwise) moves by half its width.
  function stop() { clearInterval(playing); playing = null; playButton.textContent = "▶ Play"; }
  playButton.addEventListener("click", function () {
    if (playing !== null) { stop(); return; }
    var span = Math.max((t1 - t0) / 8, DAY);
    if (windowShown) span = Date.parse(windowShown[1]) - Date.parse(windowShown[0]) + DAY;
    var at = windowShown && Date.parse(windowShown[1]) + DAY < t1 ? Date.parse(windowShown[0]) : t0;
    var stepBy = Math.max(dayOf(span / 2), DAY);
    playButton.textContent = "❚❚ Pause";
    function next() {
      if (at >= t1) { stop(); return; }
      setWindow(at, at + span - DAY, true);
      at += stepBy;
    }
    next();
    playing = setInterval(next, setup.playEvery);
  });
  var undated = document.getElementById("undated"), list = document.getElementById("undated-list");
  document.getElementById("count").textContent = lanes.length + (lanes.length === 1 ? " dated lane" : " dated lanes");
  if (setup.undated.length) {
    undated.textContent = setup.undated.length + " undated";
    undated.title = setup.undated.slice(0, 40).map(function (u) { return u.name + " (" + u.label + ")"; }).join("\\n") +
      (setup.undated.length > 40 ? "\\n… " + (setup.undated.length - 40) + " more: click" : "");
    setup.undated.forEach(function (u) {
      var item = document.createElement("li");
      item.textContent = u.name + " (" + u.label + ")";
      item.title = u.key;
      list.appendChild(item);
    });
    undated.addEventListener("click", function () { list.hidden = !list.hidden; });
    undated.addEventListener("keydown", function (event) { if (event.key === "Enter") list.hidden = !list.hidden; });
  }
  if (!lanes.length) {
    var empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "Nothing in this view has a date.";
    names.appendChild(empty);
    playButton.disabled = true;
  }
  window.addEventListener("message", function (event) {  // the app's window and selection
    var message = event.data;
    if (event.source !== parent || !message || message.kind !== "show-selection") return;
    if (Array.isArray(message.ids)) showSelection(message.ids.filter(function (id) { return typeof id === "string"; }));
    if (message.window === null || (Array.isArray(message.window) && message.window.every(function (d) {
      return typeof d === "string" && /^\\d{4}-\\d{2}-\\d{2}$/.test(d); }))) showWindow(message.window);
  });
  windowShown = setup.window;
  showSelection(setup.selected);
  render();
  new ResizeObserver(function () { if (plot.clientWidth !== width) render(); }).observe(plot);
})(SETUP);
</script>
</body></html>
"""
