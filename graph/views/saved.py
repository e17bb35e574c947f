"""Saved views and notes on nodes: the investigator's own records, kept in the workspace.

They are never written into the graph: the graph counts only what the user loaded, merged
or wrote, and loading the same files again leaves its counts unchanged. Text is stored
and returned exactly as given (markup, direction controls): showing it safely is the
display's job (:func:`graph.views.text.visible`, escaping).

Example::

    view_id = save_view(workspace, name="Tide, 2 hops", note="", tags=["tide"], state=state, by=current_author())
    saved_view(workspace, view_id)["state"] == state
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from typing import Any

from graph.attribution import current_user, utc_now
from graph.workspace import Workspace

__all__ = [
    "MAX_NAME",
    "MAX_NOTE",
    "MAX_STATE",
    "MAX_TAG",
    "add_note",
    "current_author",
    "delete_note",
    "delete_view",
    "notes_for",
    "save_view",
    "saved_view",
    "saved_views",
]

VIEWS = "saved_views"
NOTES = "node_notes"
MAX_NAME = 200  # characters of a view's name
MAX_TAG = 50  # characters of one tag
MAX_NOTE = 10_000  # characters of a note (on a node or a saved view)
MAX_STATE = 5_000_000  # characters of a view's state as JSON: a view, not a dump of the graph


def current_author() -> str:
    """Who writes notes and saves views: ``KG_AUTHOR`` when set, else the user every other
    record names (``KG_USER``, else the login)."""
    return os.environ.get("KG_AUTHOR") or current_user()


def _record_id(prefix: str) -> str:
    """An id that sorts by time to the microsecond, so two records saved within the same
    second still list in the order they were made."""
    return f"{prefix}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"


def _text(value: Any, parameter: str, limit: int, *, required: bool) -> str:
    """``value`` checked as text of at most ``limit`` characters, kept exactly as given."""
    if not isinstance(value, str):
        raise ValueError(f"{parameter}: expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{parameter}: required, got an empty text")
    if len(value) > limit:
        raise ValueError(f"{parameter}: at most {limit:,} characters, got {len(value):,}")
    return value


def _tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, without repeats, in the order given."""
    if isinstance(tags, str):
        raise ValueError("tags: expected a list of words, got one text")
    kept: list[str] = []
    for tag in tags:
        word = _text(tag, "tags", MAX_TAG, required=True).strip()
        if word not in kept:
            kept.append(word)
    return kept


def _state(state: Any) -> dict[str, Any]:
    """The view's state, refused unless it is a JSON object of bounded size."""
    if not isinstance(state, dict):
        raise ValueError(f"state: expected a dict (the serialised view), got {type(state).__name__}")
    try:
        text = json.dumps(state, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"state: not serialisable as JSON ({error})") from None
    if len(text) > MAX_STATE:
        raise ValueError(f"state: at most {MAX_STATE:,} characters as JSON, got {len(text):,}")
    return json.loads(text)  # what is stored is what is returned: tuples become lists now


def save_view(
    workspace: Workspace, *, name: str, note: str = "", tags: Iterable[str] = (), state: dict[str, Any], by: str
) -> str:
    """Keep a view under ``name`` and return its id. Saving under a name already used
    replaces that view (it is deleted, with its id): a name means one view. ``by`` is the
    author (:func:`current_author` by default in the app)."""
    name = _text(name, "name", MAX_NAME, required=True).strip()
    record = {
        "id": _record_id("VIEW"),
        "name": name,
        "note": _text(note, "note", MAX_NOTE, required=False),
        "tags": _tags(tags),
        "state": _state(state),
        "by": _text(by, "by", MAX_NAME, required=True),
        "at": utc_now(),
    }
    for earlier in workspace.records(VIEWS, name=name):
        workspace.delete(VIEWS, earlier["id"])
    workspace.add(VIEWS, [record])
    return record["id"]


def saved_views(workspace: Workspace, tag: str | None = None) -> list[dict[str, Any]]:
    """The saved views, newest first, those carrying ``tag`` only when it is given. Each:
    ``id``, ``name``, ``note``, ``tags``, ``state``, ``by``, ``at``."""
    views = workspace.records(VIEWS)
    return views if tag is None else [view for view in views if tag in view["tags"]]


def saved_view(workspace: Workspace, view_id: str) -> dict[str, Any] | None:
    """One saved view by id, or None when there is none (deleted, or replaced)."""
    return workspace.record(VIEWS, view_id)


def delete_view(workspace: Workspace, view_id: str) -> bool:
    """Forget a saved view; False when there was none."""
    return workspace.delete(VIEWS, view_id)


def add_note(workspace: Workspace, node: str, text: str, by: str) -> dict[str, Any]:
    """Add a note on the node with key ``node``; returns it (``id``, ``node``, ``text``,
    ``by``, ``at``). Empty notes and notes over :data:`MAX_NOTE` characters are refused."""
    record = {
        "id": _record_id("NOTE"),
        "node": _text(node, "node", MAX_NOTE, required=True),
        "text": _text(text, "text", MAX_NOTE, required=True),
        "by": _text(by, "by", MAX_NAME, required=True),
        "at": utc_now(),
    }
    workspace.add(NOTES, [record])
    return record


def notes_for(workspace: Workspace, nodes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The notes on each of ``nodes`` that has any, oldest first: ``{key: [{id, text,
    by, at}, ...]}``."""
    wanted = set(nodes)
    found: dict[str, list[dict[str, Any]]] = {}
    for note in reversed(workspace.records(NOTES)):  # the workspace lists newest first
        if note["node"] in wanted:
            found.setdefault(note["node"], []).append({k: note[k] for k in ("id", "text", "by", "at")})
    return found


def delete_note(workspace: Workspace, note_id: str) -> bool:
    """Remove one note by id; False when there was none."""
    return workspace.delete(NOTES, note_id)
