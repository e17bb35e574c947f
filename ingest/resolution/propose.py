"""Run resolution over the graph: read each resolvable label's nodes, find likely
duplicates, and queue them in the workspace for the investigator.

What is compared comes from the model (``resolvable:`` in graph/model.yaml, or a
mapping's declared label). A pair the investigator already decided (accepted,
rejected, unsure) is never proposed again; a run replaces the pending proposals of the
labels it ran, so the queue always reflects the graph as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from graph.attribution import utc_now
from graph.model import COORDINATES, KEY, Resolution, quote
from graph.progress import SILENT, Progress
from graph.store import GraphStore
from graph.workspace import Workspace, new_id
from ingest.resolution.engine import DEFAULT_THRESHOLD, Proposal, Record, find_duplicates
from ingest.resolution.judgements import standing

__all__ = ["Found", "find", "propose", "read_records", "queue"]

TABLE = "proposals"


def _compared_properties(resolution: Resolution) -> list[str]:
    props = []
    for prop, kind in resolution.compare.items():
        props += ["latitude", "longitude"] if kind == "geo" and prop == COORDINATES else [prop]
    return props


def read_records(store: GraphStore, label: str) -> list[Record]:
    """Every ``label`` node with its name, compared properties and linked identifiers."""
    spec = store.model.label(label)
    resolution = spec.resolvable or Resolution()
    name = f"n.{quote(resolution.name)}" if resolution.name else store.model.display_expression([label])
    props = _compared_properties(resolution)
    values = ", ".join(f"{quote(p)}: n.{quote(p)}" for p in props)
    rows = store.read(
        f"MATCH (n:{quote(label)}) OPTIONAL MATCH (n)--(i) WHERE any(l IN labels(i) WHERE l IN $identifiers) "
        f"WITH n, collect(DISTINCT [head([l IN labels(i) WHERE l IN $identifiers]), i.{KEY}]) AS linked "
        f"RETURN n.{KEY} AS key, {name} AS name, {{{values}}} AS properties, linked",
        {"identifiers": [i for i in store.model.labels_with_role("identifier") if i != label]},
    )
    records = []
    for row in rows:
        identifiers: dict[str, list[str]] = defaultdict(list)
        for identifier, key in row["linked"]:
            if identifier is not None and key is not None:
                identifiers[identifier].append(key)
        records.append(Record(row["key"], row["name"], row["properties"] or {}, dict(identifiers)))
    return records


@dataclass(frozen=True)
class Found:
    """What a round of resolution found: the pairs nobody has decided, best first, how
    many more it found that the investigator had already decided (left out), and the
    labels it compared (those present in the store)."""

    proposals: list[Proposal]
    left_out: int
    labels: list[str]


def find(
    store: GraphStore,
    *,
    labels: Iterable[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    decided: Collection[str] = frozenset(),
    progress: Progress = SILENT,
) -> Found:
    """Likely duplicates among ``labels`` (the model's resolvable ones by default),
    without the pair ids in ``decided``; writes nothing."""
    present = set(store.labels_in_store())
    ran, found = [], []
    for label in store.model.resolvable_labels() if labels is None else labels:
        if label not in present:
            continue
        spec = store.model.label(label)
        progress.report(f"reading {label} names, properties and identifiers")
        records = read_records(store, label)
        ran.append(label)
        resolution = spec.resolvable or Resolution()
        found += find_duplicates(label, records, resolution, threshold=threshold, progress=progress)
    fresh = sorted((p for p in found if p.id not in decided), key=lambda p: (-p.score, p.label, p.a, p.b))
    return Found(fresh, len(found) - len(fresh), ran)


def propose(
    store: GraphStore,
    workspace: Workspace | None = None,
    *,
    labels: Iterable[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress = SILENT,
) -> list[Proposal]:
    """Likely duplicates among ``labels`` (the model's resolvable ones by default), best
    first, without the pairs decided in ``workspace``; with a workspace, they also
    replace its pending proposals for those labels."""
    decided = frozenset(standing(workspace)) if workspace is not None else frozenset()
    found = find(store, labels=labels, threshold=threshold, decided=decided, progress=progress)
    if workspace is not None:
        queue(workspace, found.labels, found.proposals)
    return found.proposals


def queue(workspace: Workspace, labels: list[str], proposals: list[Proposal]) -> None:
    """Replace the pending proposals of ``labels`` with ``proposals``."""
    at = utc_now()
    run = new_id("RESOLVE", at)
    workspace.delete_where(TABLE, "label", labels)
    workspace.add(
        TABLE,
        [
            {
                "id": p.id,
                "label": p.label,
                "a": p.a,
                "b": p.b,
                "score": p.score,
                "reasons": list(p.reasons),
                "a_name": p.a_name,
                "b_name": p.b_name,
                "run": run,
                "at": at,
            }
            for p in proposals
        ],
    )
