"""The view an investigator is looking at, as one value.

Centres, expansions, groups, filters (the time window among them), the period brushed on
the timeline, selection, pinned positions and the table's filter make a :class:`ViewState`: frozen, comparable, and
serialisable to JSON and to a short URL token. Everything the app offers on a view is
built on that one value: undo and redo walk a :class:`History` of them, a saved view is
one of them with a name, and a link carries one in its ``?view=`` parameter, so another
browser reopens exactly the same view.

A token comes from outside (a link someone pasted), so reading one checks every field
and says which is wrong.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.model import Model
from graph.views.explore import Filters, ViewSpec
from graph.views.groups import Group

__all__ = ["COLOUR_BY", "History", "ViewState", "ViewStateError"]

COLOUR_BY = ("label", "community")
MAX_HOPS = 3
MAX_PER_NODE = 500
MAX_TOKEN = 200_000  # characters of a ?view= token: a view, not a database dump
MAX_STEPS = 100  # undo depth


class ViewStateError(ValueError):
    """A serialised view that cannot be read, naming the field at fault."""


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the explorer draws and how."""

    centres: tuple[str, ...] = ()
    hops: int = 1
    per_node: int = 25
    expanded: tuple[tuple[str, int], ...] = ()
    filters: Filters = field(default_factory=Filters)
    groups: tuple[Group, ...] = ()
    selection: tuple[str, ...] = ()
    positions: tuple[tuple[str, float, float], ...] = ()
    colour_by: str = "label"
    sized: bool = True
    table_filter: str = ""
    #: The period brushed on the timeline (days, both included): the view keeps what
    #: existed or happened then (:func:`graph.views.timeline.in_window`).
    period: tuple[dt.date, dt.date] | None = None

    def spec(self) -> ViewSpec:
        """What to read from the store for this view."""
        return ViewSpec(
            centres=self.centres,
            hops=self.hops,
            per_node=self.per_node,
            expanded=self.expanded,
            filters=self.filters,
        )

    def change(self, **fields: Any) -> ViewState:
        """A copy with ``fields`` replaced."""
        return dataclasses.replace(self, **fields)

    def checked(self, model: Model) -> ViewState:
        """This view, if every label and relationship type it filters on is one ``model``
        knows (a link may come from another graph)."""
        for name, asked, known in (
            ("filters.labels", self.filters.labels, model.labels),
            ("filters.types", self.filters.types, model.relationships),
        ):
            unknown = sorted(set(asked or ()) - set(known))
            if unknown:
                raise ViewStateError(f"view.{name}: {unknown[0]!r} is not in this graph's model")
        return self

    def pinned(self) -> dict[str, tuple[float, float]]:
        """Positions the investigator dragged nodes to."""
        return {key: (x, y) for key, x, y in self.positions}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (dates as ISO text)."""
        filters = self.filters
        return {
            "centres": list(self.centres),
            "hops": self.hops,
            "per_node": self.per_node,
            "expanded": [[key, count] for key, count in self.expanded],
            "filters": {
                "labels": list(filters.labels) if filters.labels else None,
                "types": list(filters.types) if filters.types else None,
                "since": filters.since.isoformat() if filters.since else None,
                "until": filters.until.isoformat() if filters.until else None,
                "case": filters.case,
            },
            "groups": [
                {"id": g.id, "kind": g.kind, "title": g.title, "members": list(g.members), "collapsed": g.collapsed}
                for g in self.groups
            ],
            "selection": list(self.selection),
            "positions": [[key, x, y] for key, x, y in self.positions],
            "colour_by": self.colour_by,
            "sized": self.sized,
            "table_filter": self.table_filter,
            "period": [day.isoformat() for day in self.period] if self.period else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ViewState:
        """The view a serialised one describes; a :class:`ViewStateError` names the
        first field that is not what a view holds."""
        if not isinstance(data, Mapping):
            raise ViewStateError("view: expected an object")
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ViewStateError(f"view: unknown field {sorted(unknown)[0]!r}")
        default = cls()
        filters = data.get("filters") or {}
        if not isinstance(filters, Mapping):
            raise ViewStateError("view.filters: expected an object")
        return cls(
            centres=_keys(data.get("centres", []), "centres"),
            hops=_whole(data.get("hops", default.hops), "hops", 1, MAX_HOPS),
            per_node=_whole(data.get("per_node", default.per_node), "per_node", 1, MAX_PER_NODE),
            expanded=tuple(
                (_text(pair[0], "expanded"), _whole(pair[1], "expanded", 1, 100_000))
                for pair in _pairs(data.get("expanded", []), "expanded", 2)
            ),
            filters=Filters(
                labels=_keys(filters["labels"], "filters.labels") or None if filters.get("labels") else None,
                types=_keys(filters["types"], "filters.types") or None if filters.get("types") else None,
                since=_date(filters.get("since"), "filters.since"),
                until=_date(filters.get("until"), "filters.until"),
                case=_text(filters["case"], "filters.case") if filters.get("case") is not None else None,
            ),
            groups=tuple(
                _group(item, f"groups[{i}]") for i, item in enumerate(_list(data.get("groups", []), "groups"))
            ),
            selection=_keys(data.get("selection", []), "selection"),
            positions=tuple(
                (_text(item[0], "positions"), _number(item[1], "positions"), _number(item[2], "positions"))
                for item in _pairs(data.get("positions", []), "positions", 3)
            ),
            colour_by=_choice(data.get("colour_by", default.colour_by), "colour_by", COLOUR_BY),
            sized=_flag(data.get("sized", default.sized), "sized"),
            table_filter=_text(data.get("table_filter", ""), "table_filter"),
            period=_period(data.get("period"), "period"),
        )

    def to_token(self) -> str:
        """The view as a URL-safe token (compressed JSON)."""
        text = json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> ViewState:
        """The view a link's ``?view=`` token describes."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            raise ViewStateError(f"view: a link's view token must be 1 to {MAX_TOKEN} characters")
        try:
            packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            inflater = zlib.decompressobj()
            text = inflater.decompress(packed, 4 * MAX_TOKEN)
            if inflater.unconsumed_tail:
                raise ViewStateError("view: the link's view is too large")
            data = json.loads(text.decode("utf-8"))
        except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ViewStateError(f"view: the link's view token is damaged ({type(error).__name__})") from None
        return cls.from_dict(data)


def _list(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise ViewStateError(f"view.{name}: expected a list")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ViewStateError(f"view.{name}: expected text, got {type(value).__name__}")
    return value


def _keys(value: Any, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_text(item, name) for item in _list(value, name)))


def _pairs(value: Any, name: str, size: int) -> list[list]:
    items = _list(value, name)
    for item in items:
        if not isinstance(item, list) or len(item) != size:
            raise ViewStateError(f"view.{name}: expected lists of {size} values")
    return items


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ViewStateError(f"view.{name}: expected a whole number from {low} to {high}, got {value!r}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) > 1e9:
        raise ViewStateError(f"view.{name}: expected a finite number, got {value!r}")
    return float(value)


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ViewStateError(f"view.{name}: expected true or false")
    return value


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ViewStateError(f"view.{name}: expected one of {', '.join(choices)}")
    return value


def _date(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(_text(value, name))
    except ValueError:
        raise ViewStateError(f"view.{name}: expected a date YYYY-MM-DD, got {value!r}") from None


def _period(value: Any, name: str) -> tuple[dt.date, dt.date] | None:
    """Two days, the first not after the second; None (an older link) for no period."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ViewStateError(f"view.{name}: expected [start, end], two dates YYYY-MM-DD")
    start, end = (_date(day, name) for day in value)
    if start is None or end is None:
        raise ViewStateError(f"view.{name}: expected [start, end], two dates YYYY-MM-DD")
    if start > end:
        raise ViewStateError(f"view.{name}: ends {end} before it starts {start}")
    return start, end


def _group(value: Any, name: str) -> Group:
    if not isinstance(value, Mapping):
        raise ViewStateError(f"view.{name}: expected an object")
    return Group(
        id=_text(value.get("id"), f"{name}.id"),
        kind=_text(value.get("kind"), f"{name}.kind"),
        title=_text(value.get("title"), f"{name}.title"),
        members=_keys(value.get("members", []), f"{name}.members"),
        collapsed=_flag(value.get("collapsed", True), f"{name}.collapsed"),
    )


@dataclass
class History:
    """The steps of an exploration: what was done and the view after it. Undo and redo
    move along it; a new step after an undo drops the steps that were undone."""

    steps: list[tuple[str, ViewState]] = field(default_factory=lambda: [("Empty view", ViewState())])
    cursor: int = 0

    @property
    def now(self) -> ViewState:
        return self.steps[self.cursor][1]

    def push(self, what: str, state: ViewState, *, merge: bool = False) -> bool:
        """Record a step; nothing when the view did not change. With ``merge``, a step
        of the same kind right before it is replaced (a run of selections is one step)."""
        if state == self.now:
            return False
        del self.steps[self.cursor + 1 :]
        if merge and self.cursor > 0 and self.steps[-1][0].split(" ", 1)[0] == what.split(" ", 1)[0]:
            self.steps[-1] = (what, state)
        else:
            self.steps.append((what, state))
        del self.steps[: max(0, len(self.steps) - MAX_STEPS)]
        self.cursor = len(self.steps) - 1
        return True

    @property
    def can_undo(self) -> bool:
        return self.cursor > 0

    @property
    def can_redo(self) -> bool:
        return self.cursor < len(self.steps) - 1

    def undo(self) -> ViewState:
        self.cursor = max(0, self.cursor - 1)
        return self.now

    def redo(self) -> ViewState:
        self.cursor = min(len(self.steps) - 1, self.cursor + 1)
        return self.now

    def go_to(self, index: int) -> ViewState:
        """Back (or forward) to a step of the breadcrumb."""
        self.cursor = min(max(0, index), len(self.steps) - 1)
        return self.now

    def breadcrumb(self) -> list[str]:
        """What each step did, oldest first, up to the present one."""
        return [what for what, _ in self.steps[: self.cursor + 1]]
