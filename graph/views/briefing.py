"""Briefings: one self-contained HTML file to hand to people who will not run the tool.

A title page (title, author, when it was made, the question it answers, the analyst's
notes), the view in words (:mod:`graph.views.summary`), the interactive graph (the pyvis
page in an ``iframe srcdoc``, so it needs no server and no network) with its legend, the
investigators' notes on entities, tables, and where each fact came from, by name. It
prints as a document: the title page alone on the first page, the picture on its own.

Every piece of text is escaped, with its direction controls shown
(:func:`graph.views.text.visible`): names come from scraped storefronts and leaked files.
Properties named for redaction never reach any export: :class:`Redaction` removes them
from the graph before anything is drawn, summarised or tabled, and their values from the
free text beside it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from graph.attribution import utc_now
from graph.model import Model
from graph.views.drawing import legend_html, network_html
from graph.views.map import map_html
from graph.views.page import CSP
from graph.views.summary import node_name, summarise_view
from graph.views.tables import cell_text
from graph.views.text import visible, visible_frame
from graph.views.timeline_chart import TimelineShown, Window, timeline_html

__all__ = [
    "Redaction",
    "briefing_html",
    "map_picture",
    "picture_html",
    "property_names",
    "provenance_table",
    "timeline_picture",
]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; line-height: 1.4; }
h1 { font-size: 2rem; margin: 0 0 0.5rem; } h2 { margin-top: 2rem; } h3 { margin-bottom: 0.3rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.1em; color: #666; margin: 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; color: #444; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.question { font-size: 1.2rem; border-left: 4px solid #4e79a7; padding-left: 0.8rem; }
.notes { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; border-radius: 6px; }
.summary li, .node-notes li { margin-bottom: 0.2rem; overflow-wrap: break-word; }
.by { color: #666; font-size: 0.85rem; }
iframe { width: 100%; height: 680px; border: 1px solid #ddd; }
img.print-only { display: none; width: 100%; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
.legend span.item { margin-right: 1rem; white-space: nowrap; display: inline-block; }
.sources td:last-child { white-space: nowrap; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .title-page { break-after: page; padding-top: 25vh; }
  .picture { break-before: page; }
  .picture:has(img.print-only) iframe { display: none; }
  img.print-only { display: block; }
  h2, h3 { break-after: avoid; } tr, li { break-inside: avoid; }
}
"""
SOURCES_SHOWN = 5
#: A redacted value shorter than this is left in free text (it would blank common words).
SHORTEST_SCRUBBED = 3


@dataclass(frozen=True)
class Redaction:
    """Properties that never leave the tool in an export (a test buyer's persona, an
    informant): gone from every node and relationship before drawing, summarising or
    tabling, and their values blanked in the free text and tables beside the graph."""

    properties: frozenset[str] = frozenset()
    values: tuple[str, ...] = ()

    @classmethod
    def of(cls, graph: nx.MultiDiGraph, properties: Iterable[str]) -> Redaction:
        """The redaction of ``properties`` in ``graph``, with the values it holds."""
        names = frozenset(properties)
        found: set[str] = set()
        for item in _property_maps(graph):
            for name in names & item.keys():
                value = item[name]
                found |= {str(part) for part in (value if isinstance(value, list | tuple) else [value])}
        return cls(names, tuple(sorted((v for v in found if len(v) >= SHORTEST_SCRUBBED), key=len, reverse=True)))

    def graph(self, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
        """A copy of ``graph`` without the redacted properties."""
        if not self.properties:
            return graph
        kept = graph.copy()
        for _, data in kept.nodes(data=True):
            data["properties"] = self._kept(data.get("properties"))
        for *_, data in kept.edges(data=True):
            data["properties"] = self._kept(data.get("properties"))
        return kept

    def _kept(self, properties: Mapping[str, Any] | None) -> dict[str, Any]:
        return {name: value for name, value in (properties or {}).items() if name not in self.properties}

    def text(self, text: str) -> str:
        """``text`` with each redacted value blanked."""
        if not self.values:
            return text
        return re.sub("|".join(map(re.escape, self.values)), "[redacted]", text)

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A table as text (as tables and CSV show it), without the columns of a redacted
        property (``buyer_persona`` or a query's ``s.buyer_persona``) or redacted values."""
        dropped = [c for c in frame.columns if str(c).rpartition(".")[2] in self.properties]
        return frame.drop(columns=dropped).map(lambda value: self.text(cell_text(value)))


def _property_maps(graph: nx.MultiDiGraph) -> list[Mapping[str, Any]]:
    """The properties of each entity and each link of a view."""
    items = [data for _, data in graph.nodes(data=True)] + [data for *_, data in graph.edges(data=True)]
    return [data.get("properties") or {} for data in items]


def property_names(graph: nx.MultiDiGraph) -> list[str]:
    """The properties the view's entities and links hold: what could be redacted."""
    return sorted({name for properties in _property_maps(graph) for name in properties})


def picture_html(graph: nx.MultiDiGraph, model: Model, *, redact: Iterable[str] = (), **drawing: Any) -> str:
    """The view's pyvis page as exported (for the PNG): drawn like on screen, redacted."""
    return network_html(Redaction.of(graph, redact).graph(graph), model, **drawing)


def timeline_picture(timeline: TimelineShown, model: Model, *, redact: Iterable[str] = (), **drawing: Any) -> str:
    """The timeline page as exported: the view before its period, redacted, coloured as
    drawn, with the period brushed."""
    graph = Redaction.of(timeline.graph, redact).graph(timeline.graph)
    return timeline_html(graph, model, window=timeline.window, **_colours(drawing))


def _colours(drawing: Mapping[str, Any]) -> dict[str, Any]:
    """The drawing's colours (by label or community), for the timeline and the map."""
    return {name: drawing[name] for name in ("colour_by", "membership") if name in drawing}


def map_picture(graph: nx.MultiDiGraph, model: Model, *, redact: Iterable[str] = (), **drawing: Any) -> str:
    """The map page as exported: the view redacted (a redacted place is no place), coloured as drawn."""
    return map_html(Redaction.of(graph, redact).graph(graph), model, **_colours(drawing))


def _timeline_section(timeline: TimelineShown | None, model: Model, redact: Iterable[str], drawing: Any) -> str:
    if timeline is None:
        return ""
    page = timeline_picture(timeline, model, redact=redact, **drawing)
    return f"""<section class="picture timeline">
<h2>Timeline</h2>
<iframe title="timeline" sandbox="allow-scripts" srcdoc="{html.escape(page, quote=True)}"></iframe>
</section>"""


def _map_section(graph: nx.MultiDiGraph, model: Model, drawing: Mapping[str, Any]) -> str:
    """The map of the (redacted) view, under the graph as on screen."""
    page = map_html(graph, model, **_colours(drawing))
    return f"""<section class="picture map">
<h2>Map</h2>
<iframe title="map" sandbox="allow-scripts" srcdoc="{html.escape(page, quote=True)}"></iframe>
</section>"""


def _sources(properties: Mapping[str, Any]) -> str:
    sources = properties.get("sources") or []
    sources = sources if isinstance(sources, list | tuple) else [sources]
    more = len(sources) - SOURCES_SHOWN
    return "; ".join(map(str, sources[:SOURCES_SHOWN])) + (f" (+{more} more)" if more > 0 else "")


def _day(value: object) -> str:
    return value.isoformat()[:10] if isinstance(value, dt.date) else cell_text(value)


def _window(properties: Mapping[str, Any]) -> str:
    """When a fact was seen, by day: one day, or first to last."""
    first, last = _day(properties.get("first_seen")), _day(properties.get("last_seen"))
    return first if first == last else f"{first or '…'} to {last or '…'}"


def provenance_table(graph: nx.MultiDiGraph, model: Model) -> pd.DataFrame:
    """Where each fact of the view came from, by name: each entity and each link, its
    sources (file and row, or case, as loaded) and when it was seen."""
    names = {key: node_name(graph, model, key) for key in graph.nodes}
    rows = sorted(
        (
            (names[key], ", ".join(data.get("labels") or []), data.get("properties") or {})
            for key, data in graph.nodes(data=True)
        ),
        key=lambda row: (row[0].casefold(), row[1]),
    )
    links = sorted(
        (
            (names[u], data.get("type", ""), names[v], data.get("properties") or {})
            for u, v, data in graph.edges(data=True)
        ),
        key=lambda link: (link[0].casefold(), link[1], link[2].casefold()),
    )
    rows += [(f"{start} → {end}", kind, properties) for start, kind, end, properties in links]
    return pd.DataFrame(
        [
            {"fact": fact, "what": what, "sources": _sources(properties), "seen": _window(properties)}
            for fact, what, properties in rows
        ],
        columns=["fact", "what", "sources", "seen"],
    )


def _text(value: object) -> str:
    """Data as HTML text: escaped, direction controls shown."""
    return html.escape(visible(value))


def _table(title: str, frame: pd.DataFrame, redaction: Redaction) -> str:
    cells = visible_frame(redaction.frame(frame))
    return f"<h2>{_text(redaction.text(title))}</h2>" + cells.to_html(index=False, escape=True, border=0)


def _node_notes(
    graph: nx.MultiDiGraph, model: Model, notes: Mapping[str, Sequence[Mapping[str, Any]]], redaction: Redaction
) -> str:
    """Each noted entity of the view under its name, its notes with who wrote them and when."""
    noted = sorted((node_name(graph, model, key), key) for key in notes if key in graph and notes[key])
    if not noted:
        return ""
    parts = ['<section class="node-notes"><h2>Notes on entities</h2>']
    for name, key in noted:
        items = "".join(
            f'<li>{_text(redaction.text(str(note.get("text", ""))))} <span class="by">— '
            f"{_text(redaction.text(str(note.get('by', ''))))}, {_text(cell_text(note.get('at')))}</span></li>"
            for note in notes[key]
        )
        parts.append(f"<h3>{_text(name)}</h3><ul>{items}</ul>")
    return "".join(parts) + "</section>"


def _summary(graph: nx.MultiDiGraph, model: Model, membership: Mapping[str, int] | None, period: Window | None) -> str:
    sections = "".join(
        f"<h3>{_text(section.heading)}</h3><ul>{''.join(f'<li>{_text(line)}</li>' for line in section.lines)}</ul>"
        for section in summarise_view(graph, model, membership=membership, period=period)
    )
    return f'<section class="summary"><h2>Summary</h2>{sections}</section>'


def _title_page(
    title: str, author: str, question: str, notes: str, made: dt.datetime, view: str, redaction: Redaction
) -> str:
    facts = [("Made", f"{made:%Y-%m-%d %H:%M} UTC"), ("View", view)]
    if author:
        facts.insert(0, ("Author", redaction.text(author)))
    meta = "".join(f"<dt>{_text(name)}</dt><dd>{_text(value)}</dd>" for name, value in facts)
    parts = [f'<section class="title-page"><p class="kicker">Briefing</p><h1>{_text(redaction.text(title))}</h1>']
    parts.append(f'<dl class="meta">{meta}</dl>')
    if question:
        parts.append(f'<h2>The question</h2><p class="question">{_text(redaction.text(question))}</p>')
    if notes:
        parts.append(f'<h2>Notes</h2><div class="notes">{_text(redaction.text(notes))}</div>')
    return "".join(parts) + "</section>"


def briefing_html(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    title: str,
    author: str = "",
    question: str = "",
    notes: str = "",
    node_notes: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    redact: Iterable[str] = (),
    tables: Mapping[str, pd.DataFrame] | None = None,
    made: dt.datetime | None = None,
    scope: Sequence[str] = (),
    timeline: TimelineShown | None = None,
    period: Window | None = None,
    with_map: bool = False,
    **drawing: Any,
) -> str:
    """The briefing page as a string. ``drawing`` (colour_by, membership, sizes, more,
    highlight) draws the graph as :func:`graph.views.drawing.network_html` does on
    screen; ``node_notes`` maps a node's key to its notes ({text, by, at}); ``redact``
    names properties that must not appear anywhere in the page; ``timeline`` (the view
    before its period, and the period) is drawn under the graph as on screen, and with
    ``with_map`` the map of the view (:mod:`graph.views.map`) too. The summary says the
    ``period`` the view was cut to (by default the timeline's)."""
    redaction = Redaction.of(graph, redact)
    graph = redaction.graph(graph)
    made = made or utc_now()
    view = network_html(graph, model, **drawing)
    described = " · ".join([f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links", *scope])
    tabled = "".join(_table(name, frame, redaction) for name, frame in (tables or {}).items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{_text(redaction.text(title))}</title><style>{STYLE}</style></head>
<body>
{_title_page(title, author, question, notes, made, redaction.text(described), redaction)}
{_summary(graph, model, drawing.get("membership"), period or (timeline.window if timeline else None))}
<section class="picture">
<h2>Network</h2>
<p class="legend">{legend_html(graph, drawing.get("colour_by", "label"), drawing.get("membership"))}</p>
<iframe title="network" sandbox="allow-scripts" srcdoc="{html.escape(view, quote=True)}"></iframe>
</section>
{_timeline_section(timeline, model, redaction.properties, drawing)}
{_map_section(graph, model, drawing) if with_map else ""}
{_node_notes(graph, model, node_notes or {}, redaction)}
{tabled}
<section class="sources">{_table("Where the data came from", provenance_table(graph, model), redaction)}</section>
</body></html>
"""
