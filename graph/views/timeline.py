"""The events of a view in date order: what happened when, and who said so.

The model names the event dates of each label and relationship type (``events`` in
``graph/model.yaml``: a ``point``, or the ``start`` or ``end`` of a span). This reads
them off a view's nodes and relationships, one row per event, with the provenance
``sources`` of the node or relationship holding the date: which file and row said it.

Undated nodes (a label without event dates, or none of them set) are never dropped:
they come last, one row each with an empty date and the role ``undated``. A CSV or JSON
file handed on is then the whole view, where a note on standard error would stay in
the terminal; a spreadsheet sorting by date keeps them at the bottom; and the rows
before them are exactly the events in order.

    timeline_events(store, "CASE-001", hops=2)   # the view Explore draws around CASE-001
    view_events(view.graph, store.model)         # a view already built (the app's View.graph)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import networkx as nx
import pandas as pd

from graph.model import Model
from graph.scalars import parse
from graph.store import GraphStore
from graph.views.explore import ViewSpec, build_view

__all__ = ["COLUMNS", "UNDATED", "timeline_events", "view_events"]

#: One row per event: when, on what (a node's key and labels, or a relationship's
#: ``start -[TYPE]-> end`` and type), its display name, the date property and its role
#: (point, start, end), and the sources that said it.
COLUMNS = ["date", "key", "label", "name", "event", "role", "sources"]
#: The role of an undated node's row.
UNDATED = "undated"
#: On one day a span's start comes before a point, and a point before a span's end.
_ROLE_ORDER = {"start": 0, "point": 1, "end": 2}


def _when(value: Any) -> dt.date | None:
    """A stored date or datetime (or its text, from an untyped column, read as a load
    reads a date or datetime cell); else None."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for kind in ("date", "datetime"):
            try:
                return parse(kind, value)
            except ValueError:
                continue
    return None


def _sort_key(when: dt.date) -> dt.datetime:
    """Dates and datetimes, naive or zoned, on one line (a zoned time read in UTC)."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
    return dt.datetime.combine(when, dt.time.min)


def _sources(properties: Mapping[str, Any]) -> str:
    sources = properties.get("sources") or []
    return "; ".join(str(source) for source in ([sources] if isinstance(sources, str) else sources))


def _row(*cells: Any) -> dict[str, Any]:
    return dict(zip(COLUMNS, cells, strict=True))


def _events(
    properties: Mapping[str, Any], events: Mapping[str, str], key: str, label: str, name: str
) -> list[dict[str, Any]]:
    """The rows of one node's or relationship's event dates that are set."""
    return [
        _row(when, key, label, name, prop, role, _sources(properties))
        for prop, role in events.items()
        if (when := _when(properties.get(prop))) is not None
    ]


def view_events(graph: nx.MultiDiGraph, model: Model) -> pd.DataFrame:
    """The events of a view (nodes with ``labels`` and ``properties``, edges with ``type``
    and ``properties``, as :func:`graph.views.explore.build_view` makes them) in date
    order, then its undated nodes. ``frame.attrs["undated"]`` counts those."""
    names = {
        key: model.display_name(data.get("labels") or [], data.get("properties") or {}, key)
        for key, data in graph.nodes(data=True)
    }
    dated, undated = [], []
    for key, data in graph.nodes(data=True):
        labels = data.get("labels") or []
        properties = data.get("properties") or {}
        rows = _events(properties, model.label_events(labels), key, ":".join(labels), names[key])
        dated += rows
        if not rows:
            undated.append(_row(None, key, ":".join(labels), names[key], "", UNDATED, _sources(properties)))
    for start, end, data in graph.edges(data=True):
        rel_type = data["type"]
        dated += _events(
            data.get("properties") or {},
            model.type_events(rel_type),
            f"{start} -[{rel_type}]-> {end}",
            rel_type,
            f"{names[start]} → {names[end]}",
        )
    dated.sort(key=lambda row: (_sort_key(row["date"]), _ROLE_ORDER[row["role"]], row["key"], row["event"]))
    undated.sort(key=lambda row: row["key"])
    frame = pd.DataFrame(dated + undated, columns=COLUMNS)
    frame.attrs["undated"] = len(undated)
    return frame


def timeline_events(store: GraphStore, center: str, hops: int = 1) -> pd.DataFrame:
    """The events of the view Explore draws around ``center`` (``hops`` out, each node's
    first neighbours: :class:`~graph.views.explore.ViewSpec`'s defaults), as
    :func:`view_events`; ``frame.attrs`` also holds ``nodes`` (the view's count),
    ``truncated`` (the node cap cut the view) and ``more`` (neighbours not shown).
    An unknown ``center`` raises :class:`~graph.store.NodeNotFound`."""
    view = build_view(store, ViewSpec(centres=(center,), hops=hops))
    frame = view_events(view.graph, store.model)
    frame.attrs.update(nodes=view.graph.number_of_nodes(), truncated=view.truncated, more=sum(view.more.values()))
    return frame
