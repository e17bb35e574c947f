"""Briefings: one self-contained HTML file to hand to people who will not run the tool.

It holds the interactive graph (the pyvis page in an ``iframe srcdoc``, so it needs no
server and no network), a title, the analyst's notes, the legend, tables, where the
data came from and when the briefing was made. Every piece of text is escaped, with its
direction controls shown (:func:`graph.views.text.visible`): names come from scraped
storefronts and leaked files.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from graph.attribution import utc_now
from graph.model import Model
from graph.views.drawing import legend, network_html
from graph.views.tables import cell_text
from graph.views.text import visible, visible_frame

__all__ = ["briefing_html", "provenance_table"]

#: Nothing may be fetched: inline scripts and styles only, so the file works offline and
#: a name that slipped through escaping still could not load anything.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-src about: data:"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
h1 { margin-bottom: 0.2rem; } .meta { color: #666; margin-top: 0; }
.notes { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; border-radius: 6px; }
iframe { width: 100%; height: 680px; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.swatch { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 50%; margin-right: 0.3rem; }
.legend span.item { margin-right: 1rem; white-space: nowrap; }
"""


def provenance_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Which sources each node in the view came from, and its sighting window."""
    rows = []
    for key, data in sorted(graph.nodes(data=True)):
        properties = data.get("properties") or {}
        sources = properties.get("sources") or []
        rows.append(
            {
                "id": key,
                "labels": ", ".join(data.get("labels") or []),
                "sources": "; ".join(map(str, sources[:5]))
                + (f" (+{len(sources) - 5} more)" if len(sources) > 5 else ""),
                "first_seen": properties.get("first_seen"),
                "last_seen": properties.get("last_seen"),
            }
        )
    return pd.DataFrame(rows, columns=["id", "labels", "sources", "first_seen", "last_seen"])


def _text(value: object) -> str:
    """Data as HTML text: escaped, direction controls shown."""
    return html.escape(visible(value))


def _table(title: str, frame: pd.DataFrame) -> str:
    cells = visible_frame(frame.map(cell_text))  # text as in tables and CSV: no "None", ISO dates
    return f"<h2>{_text(title)}</h2>" + cells.to_html(index=False, escape=True, border=0)


def briefing_html(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    title: str,
    notes: str = "",
    tables: Mapping[str, pd.DataFrame] | None = None,
    made: dt.datetime | None = None,
    scope: Sequence[str] = (),
    **drawing: Any,
) -> str:
    """The briefing page as a string; ``drawing`` (colour_by, membership, sizes, more,
    highlight) draws the graph as :func:`graph.views.drawing.network_html` does on screen."""
    made = made or utc_now()
    view = network_html(graph, model, **drawing)
    swatches = "".join(
        f'<span class="item"><span class="swatch" style="background:{colour}"></span>{_text(name)}</span>'
        for name, colour in legend(graph, drawing.get("colour_by", "label"), drawing.get("membership")).items()
    )
    sections = "".join(_table(name, frame) for name, frame in (tables or {}).items())
    meta = " · ".join(
        [
            f"Made {made.isoformat(sep=' ')} UTC",
            f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links",
            *scope,
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{_text(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{_text(title)}</h1>
<p class="meta">{_text(meta)}</p>
{f'<div class="notes">{_text(notes)}</div>' if notes else ""}
<h2>Network</h2>
<p class="legend">{swatches}</p>
<iframe title="network" sandbox="allow-scripts" srcdoc="{html.escape(view, quote=True)}"></iframe>
{sections}
{_table("Where the data came from", provenance_table(graph))}
</body></html>
"""
