"""Reversible merges of duplicate entities, recorded as judgements.

Merging B into A moves B's relationships to A, gives A the properties it lacked, B's
name among its aliases, both nodes' sources and the wider sighting window, and deletes
B. Before anything changes, both nodes and every relationship touching them are
copied exactly into a judgement in the workspace (who, when, why, score; never in the
graph), so :func:`unmerge` puts the originals back exactly, with their own
relationships and provenance. An unmerge is refused if A changed since the merge (a later load touched
it): restoring would lose that change.

    python -m ingest resolve --apply [--threshold 0.9]
    python -m ingest unmerge JUDGEMENT_ID
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from graph.attribution import current_user, utc_now
from graph.model import KEY
from graph.store import GraphStore, NodeNotFound
from graph.workspace import Workspace, new_id

__all__ = ["MergeError", "merge", "unmerge"]

TABLE = "judgements"


class MergeError(ValueError):
    """A merge or unmerge that cannot be done, and why."""


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return dt.datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def _fingerprint(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(_encode(snapshot), sort_keys=True).encode()).hexdigest()


def _merged_node(survivor: dict, merged: dict) -> dict:
    a, b = survivor["properties"], merged["properties"]
    properties = {**b, **a}  # the survivor's values win; it gains what it lacked
    aliases = list(a.get("aliases") or [])
    for alias in [b.get("name"), *(b.get("aliases") or [])]:
        if isinstance(alias, str) and alias not in aliases and alias != a.get("name"):
            aliases.append(alias)
    if aliases:
        properties["aliases"] = aliases
    properties["sources"] = list(a.get("sources") or []) + [
        s for s in b.get("sources") or [] if s not in (a.get("sources") or [])
    ]
    for name, pick in (("first_seen", min), ("last_seen", max)):
        values = [v for v in (a.get(name), b.get(name)) if v is not None]
        if values:
            properties[name] = pick(values)
    labels = sorted(set(survivor["labels"]) | set(merged["labels"]))
    return {"key": survivor["key"], "labels": labels, "properties": properties}


def merge(
    store: GraphStore, workspace: Workspace, survivor: str, merged: str, *, why: list[str], score: float | None = None
) -> str:
    """Merge ``merged`` into ``survivor``; returns the judgement id that undoes it."""
    if survivor == merged:
        raise MergeError("a node cannot be merged into itself")
    before = store.snapshot([survivor, merged])
    nodes = {node["key"]: node for node in before["nodes"]}
    for key in (survivor, merged):
        if key not in nodes:
            raise NodeNotFound(key)
    after_node = _merged_node(nodes[survivor], nodes[merged])
    relationships = {}
    for rel in before["relationships"]:
        if {rel["start"], rel["end"]} == {survivor, merged}:
            continue  # a link between the two would become a loop: the merge absorbs it
        moved = dict(rel)
        for end in ("start", "end"):
            if moved[end] in (survivor, merged):
                moved[end], moved[f"{end}_label"] = survivor, after_node["labels"][0]
        identity = (moved["start"], moved["type"], moved["end"], moved["properties"].get(KEY, ""))
        relationships.setdefault(identity, moved)  # the survivor's own link wins over B's twin
    after = {"nodes": [after_node], "relationships": list(relationships.values())}
    at = utc_now()
    judgement = new_id("MERGE", at)
    copies = _encode(before)
    # Recorded before the graph changes: if the process dies midway, the copies survive.
    workspace.add(
        TABLE,
        [
            {
                "id": judgement,
                "name": f"merge {merged} into {survivor}",
                "kind": "merge",
                "status": "applying",
                "by": current_user(),
                "at": at,
                "why": list(why) or ["no reason given"],
                "score": score,
                "survivor": survivor,
                "merged": merged,
                "snapshot": {"before": copies},
            }
        ],
    )
    with store.writing():
        store.delete_nodes([survivor, merged])
        store.restore(after)
    snapshot = {"before": copies, "after": _fingerprint(store.snapshot([survivor]))}
    workspace.update(TABLE, judgement, status="applied", snapshot=snapshot)
    return judgement


def unmerge(store: GraphStore, workspace: Workspace, judgement: str) -> None:
    """Undo a merge: the two originals come back exactly as they were."""
    row = workspace.record(TABLE, judgement)
    if row is None:
        raise MergeError(f"no judgement {judgement!r} in the workspace {workspace.path}")
    if row["status"] != "applied":
        raise MergeError(f"judgement {judgement} is {row['status']}, not applied")
    recorded = row["snapshot"]
    if _fingerprint(store.snapshot([row["survivor"]])) != recorded["after"]:
        raise MergeError(
            f"{row['survivor']} changed since the merge (a later load or merge touched it); "
            "unmerging would lose that change"
        )
    with store.writing():
        store.delete_nodes([row["survivor"]])
        store.restore(_decode(recorded["before"]))
    workspace.update(TABLE, judgement, status="reverted", reverted_by=current_user(), reverted_at=utc_now())
