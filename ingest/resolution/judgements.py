"""The investigator's decision on each proposed pair, kept and respected.

A proposal (``proposals`` in the workspace) is a pair of nodes resolution thinks are one
entity, with its score and reasons. The investigator accepts it (the two are merged
reversibly through :func:`ingest.merge.merge`), rejects it (it is never proposed again)
or marks it unsure (it leaves the queue until someone decides). Decisions live in
``pair_judgements``, one row per pair, by the pair's id ``LABEL:a|b`` (``a < b``, node
keys): a fresh load of the same files gives the same keys, so the decisions still hold.
A second decision on a pair replaces the first (an accept's merge is undone first);
:func:`undo` takes a decision back and returns the pair to the queue.

:func:`export_judgements` writes the decisions standing (JSON Lines, or CSV for a
``.csv`` file) and :func:`reapply` records them in another workspace, merging again the
accepted pairs whose two nodes the graph holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.attribution import current_user
from graph.progress import SILENT, Progress
from graph.store import GraphStore, NodeNotFound
from graph.views.tables import neutralize_formula
from graph.workspace import Workspace
from ingest.merge import merge, unmerge
from ingest.resolution.engine import pair_id

__all__ = [
    "DECISIONS",
    "EXPORTED",
    "JudgementError",
    "Reapplied",
    "decide",
    "export_judgements",
    "find_pair",
    "latest",
    "pair_id",
    "pending",
    "Queue",
    "review_queue",
    "reapply",
    "standing",
    "tally",
    "undo",
]

DECISIONS = ("accept", "reject", "unsure")
PROPOSALS = "proposals"
DECIDED = "pair_judgements"
MERGES = "judgements"
#: The fields of an exported decision, in the order a CSV file has them.
EXPORTED = ("id", "label", "a", "b", "a_name", "b_name", "decision", "score", "reasons", "by", "at")
_REQUIRED = ("label", "a", "b", "decision")
#: Decisions read between two progress reports when none changes the graph (well under 0.1 s).
REPORTED_EVERY = 1000
#: What a decision keeps of its proposal, and gives back to the queue when undone.
_PROPOSAL_FIELDS = ("id", "label", "a", "b", "score", "reasons", "a_name", "b_name")


class JudgementError(ValueError):
    """A decision that cannot be made or read, naming the pair, or the file, line and field."""


@dataclass
class Reapplied:
    """What :func:`reapply` did: decisions recorded by kind, merges made again, and the
    accepted pairs left out because a node of theirs is not in the graph."""

    recorded: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (pair id, the key missing)

    def summary(self) -> str:
        counts = ", ".join(f"{self.recorded[decision]} {decision}" for decision in DECISIONS)
        lines = [f"recorded {counts}; merged {self.merged} accepted pairs again"]
        lines += [f"skipped {pair}: no node {key!r} in the graph" for pair, key in self.skipped]
        return "\n".join(lines)


def _now() -> dt.datetime:
    """Naive UTC with microseconds: two decisions in one second are told apart by Undo last."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _standing_rows(workspace: Workspace, fields: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The decisions not undone, newest first (only ``fields`` of each, when given)."""
    wanted = None if fields is None else (*fields, "undone_at")
    return [row for row in workspace.records(DECIDED, fields=wanted) if row["undone_at"] is None]


def standing(workspace: Workspace) -> dict[str, str]:
    """Pair id -> decision, for every decision not undone: what proposing leaves out."""
    return {row["id"]: row["decision"] for row in _standing_rows(workspace, ("id", "decision"))}


@dataclass(frozen=True)
class Queue:
    """The review queue as read at one moment: the pairs nobody has decided, best score
    first (id, label and score of each: a queue of a hundred thousand reads in a blink),
    and how many pairs stand accepted, rejected and unsure."""

    waiting: list[dict[str, Any]]
    decided: Counter[str]

    def of(self, label: str | None = None) -> list[dict[str, Any]]:
        """The waiting pairs of ``label`` (all of them for None)."""
        return self.waiting if label is None else [row for row in self.waiting if row["label"] == label]

    def counts(self) -> dict[str, int]:
        """How many pairs are pending, accepted, rejected and unsure."""
        return {"pending": len(self.waiting), **{decision: self.decided[decision] for decision in DECISIONS}}

    def by_label(self) -> dict[str, int]:
        """How many pairs of each label are waiting."""
        return dict(sorted(Counter(row["label"] for row in self.waiting).items()))


def review_queue(workspace: Workspace) -> Queue:
    """The queue as it stands now."""
    decided = standing(workspace)
    rows = workspace.records(PROPOSALS, fields=("id", "label", "score"))
    waiting = sorted(
        (row for row in rows if row["id"] not in decided), key=lambda row: (-(row["score"] or 0), row["id"])
    )
    return Queue(waiting, Counter(decided.values()))


def pending(workspace: Workspace, *, label: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The proposals nobody has decided (of ``label``), best score first; the first
    ``limit`` of them when given."""
    waiting = review_queue(workspace).of(label)
    if limit is not None and limit < len(waiting):
        return [workspace.record(PROPOSALS, row["id"]) for row in waiting[:limit]]
    whole = {row["id"]: row for row in workspace.records(PROPOSALS, **({"label": label} if label else {}))}
    return [whole[row["id"]] for row in waiting]


def tally(workspace: Workspace) -> dict[str, int]:
    """How many pairs are pending, accepted, rejected and unsure."""
    return review_queue(workspace).counts()


def latest(workspace: Workspace) -> dict[str, Any] | None:
    """The most recent decision not undone (what Undo last takes back), or None."""
    rows = _standing_rows(workspace, ("id",))  # newest first
    return workspace.record(DECIDED, rows[0]["id"]) if rows else None


def decide(
    store: GraphStore, workspace: Workspace, pair: str, decision: str, *, by: str | None = None
) -> dict[str, Any]:
    """Record ``decision`` on the proposed pair with id ``pair``; accept merges the two
    nodes. Returns the decision's row (``merge``: the merge's judgement id, if one was made)."""
    return _record(store, workspace, find_pair(workspace, pair), decision, by=by or current_user(), at=_now())[0]


def find_pair(workspace: Workspace, pair: str) -> dict[str, Any]:
    """The pair with this id: its proposal, else its decision; an unknown id is named."""
    known = workspace.record(PROPOSALS, pair) or workspace.record(DECIDED, pair)
    if known is None:
        raise JudgementError(f"no proposed pair {pair!r} in the workspace {workspace.path}")
    return known


def undo(store: GraphStore, workspace: Workspace, pair: str) -> dict[str, Any]:
    """Take back the decision on ``pair``: an accept's merge is undone (the originals come
    back exactly), and the pair returns to the queue. Returns the decision taken back."""
    row = workspace.record(DECIDED, pair)
    if row is None or row["undone_at"] is not None:
        raise JudgementError(f"no decision on pair {pair!r} to undo")
    if row["merge"] and _in_effect(store, workspace, row["merge"]):
        unmerge(store, workspace, row["merge"])
    workspace.update(DECIDED, pair, undone_at=_now())
    if workspace.record(PROPOSALS, pair) is None:  # proposing again may have dropped it
        workspace.add(PROPOSALS, [{column: row[column] for column in _PROPOSAL_FIELDS} | {"at": _now()}])
    return row


def _record(
    store: GraphStore, workspace: Workspace, pair: Mapping[str, Any], decision: str, *, by: str, at: dt.datetime
) -> tuple[dict[str, Any], bool]:
    """Write ``decision`` on ``pair``, replacing a standing one: the same decision again
    changes nothing (an accept whose nodes a re-load has parted merges them again), another
    one undoes an accept's merge first. Returns the standing row and whether it is new."""
    if decision not in DECISIONS:
        raise JudgementError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    before = workspace.record(DECIDED, pair["id"])
    if before is not None and before["undone_at"] is None:
        if before["decision"] == decision and not (decision == "accept" and _apart(store, workspace, before)):
            return before, False
        if decision != "accept" and before["merge"] and _in_effect(store, workspace, before["merge"]):
            unmerge(store, workspace, before["merge"])
    merged = _merge(store, workspace, pair, by) if decision == "accept" else None
    row = _decision_row(pair, decision, by=by, at=at, merge=merged)
    workspace.add(DECIDED, [row])
    return row, True


def _decision_row(
    pair: Mapping[str, Any], decision: str, *, by: str, at: dt.datetime, merge: str | None = None
) -> dict[str, Any]:
    return {column: pair.get(column) for column in _PROPOSAL_FIELDS} | {
        "decision": decision,
        "by": by,
        "at": at,
        "merge": merge,
        "undone_at": None,
    }


def _merge(store: GraphStore, workspace: Workspace, pair: Mapping[str, Any], by: str) -> str | None:
    """Merge the pair's two nodes, each followed to the node that holds it now (an earlier
    merge may have absorbed it); the survivor is ``a``'s unless only ``b`` itself is still
    there. None when they are one node already."""
    a, b = pair["a"], pair["b"]
    held = _holders(store, workspace, (a, b))
    for key in (a, b):
        if held[key] is None:
            raise NodeNotFound(key)
    if held[a] == held[b]:
        return None
    survivor, merged = (held[b], held[a]) if held[a] != a and held[b] == b else (held[a], held[b])
    why = [*(pair.get("reasons") or []), f"accepted by {by} in the review of {pair['id']}"]
    return merge(store, workspace, survivor, merged, why=why, score=pair.get("score"))


def _holders(store: GraphStore, workspace: Workspace, keys: Iterable[str]) -> dict[str, str | None]:
    """Each key's node, or the node an applied merge moved it into (followed through later
    merges); None when neither is in the graph."""
    absorbed: dict[str, str] | None = None  # read only when a key is not in the graph
    held = {}
    for key in keys:
        current, seen = key, set()
        while current is not None and current not in seen and not store.locate([current]):
            seen.add(current)
            if absorbed is None:
                merges = reversed(workspace.records(MERGES, status="applied"))  # the newest merge of a node wins
                absorbed = {row["merged"]: row["survivor"] for row in merges}
            current = absorbed.get(current)
        held[key] = None if current in seen else current
    return held


def _apart(store: GraphStore, workspace: Workspace, row: Mapping[str, Any]) -> bool:
    """Whether an accepted pair's two nodes are separate nodes again (a re-load made the
    merged one anew)."""
    held = _holders(store, workspace, (row["a"], row["b"]))
    return None not in held.values() and held[row["a"]] != held[row["b"]]


def _in_effect(store: GraphStore, workspace: Workspace, judgement: str) -> bool:
    """Whether a merge still stands: applied, and its merged node not made anew by a re-load."""
    row = workspace.record(MERGES, judgement)
    return row is not None and row["status"] == "applied" and not store.locate([row["merged"]])


# -- exported to a file, and applied again -----------------------------------------------


def export_judgements(workspace: Workspace, path: str | Path) -> int:
    """Write every standing decision to ``path``, oldest first: CSV for a ``.csv`` file
    (cells a spreadsheet would run as a formula, and cells starting with ``'``, get a
    leading ``'``, which reading takes off), JSON Lines otherwise. Returns how many."""
    path = Path(path)
    rows = sorted(_standing_rows(workspace), key=lambda row: row["at"])
    exported = [{name: _exported_value(row[name]) for name in EXPORTED} for row in rows]
    with open(path, "w", encoding="utf-8", newline="") as out:
        if _is_csv(path):
            writer = csv.DictWriter(out, EXPORTED)
            writer.writeheader()
            writer.writerows({name: _csv_cell(value) for name, value in row.items()} for row in exported)
        else:
            out.writelines(json.dumps(row, sort_keys=True) + "\n" for row in exported)
    return len(exported)


def reapply(store: GraphStore, workspace: Workspace, path: str | Path, *, progress: Progress = SILENT) -> Reapplied:
    """Record the decisions :func:`export_judgements` wrote, each replacing the one the
    workspace holds for its pair (a pair named twice: its last row), and merge each
    accepted pair again. An accepted pair with a node missing from the graph is skipped
    (not recorded): importing again once both are loaded completes it. Every row is read
    and checked before anything is written; rejects and unsures that change nothing in
    the graph are written together at the end (ten thousand in a second or two)."""
    path = Path(path)
    rows = list({row["id"]: row for row in _read_decisions(path)}.values())
    before = {row["id"]: row for row in _standing_rows(workspace)}
    done, recorded_only = Reapplied(), []
    what = f"re-applying the decisions of {path.name}"
    for index, row in enumerate(rows):
        was = before.get(row["id"])
        in_graph = row["decision"] == "accept" or bool(was and was["merge"])  # a merge to make or undo
        if in_graph or index % REPORTED_EVERY == 0:
            progress.report(what, index, len(rows))
        if not in_graph:
            if not (was and was["decision"] == row["decision"]):
                recorded_only.append(_decision_row(row, row["decision"], by=row["by"], at=row["at"]))
            done.recorded[row["decision"]] += 1
            continue
        try:
            recorded, new = _record(store, workspace, row, row["decision"], by=row["by"], at=row["at"])
        except NodeNotFound as missing:
            done.skipped.append((row["id"], missing.args[0]))
            continue
        done.recorded[row["decision"]] += 1
        done.merged += bool(new and recorded["merge"])
    progress.report(what, len(rows), len(rows))
    workspace.add(DECIDED, recorded_only)
    return done


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _exported_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and (value.startswith("'") or neutralize_formula(value) != value):
        return "'" + value
    return value


def _read_decisions(path: Path) -> list[dict[str, Any]]:
    """The rows of an exported file, checked: each problem names the file, line and field."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as source:
            if _is_csv(path):
                reader = csv.DictReader(source)
                raw = [(reader.line_num, {k: _csv_text(v) for k, v in row.items() if k}) for row in reader]
            else:
                raw = [(number, _json_row(path, number, line)) for number, line in enumerate(source, 1) if line.strip()]
    except UnicodeDecodeError as error:
        raise JudgementError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise JudgementError(f"{path}: cannot be read ({error.strerror or error})") from None
    return [_checked(path, number, row) for number, row in raw]


def _csv_text(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return value[1:] if value.startswith("'") else value


def _json_row(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise JudgementError(f"{path}: line {number}: not JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise JudgementError(f"{path}: line {number}: not a JSON object")
    return row


def _checked(path: Path, number: int, row: dict[str, Any]) -> dict[str, Any]:
    """One decision read back: the fields ``_record`` needs, typed."""
    where = f"{path}: line {number}"
    for name in _REQUIRED:
        if not isinstance(row.get(name), str) or not row[name]:
            raise JudgementError(f"{where}: {name} is missing")
    if row["decision"] not in DECISIONS:
        raise JudgementError(f"{where}: decision {row['decision']!r} is not one of {', '.join(DECISIONS)}")
    if row["a"] == row["b"]:
        raise JudgementError(f"{where}: a and b are the same node {row['a']!r}")
    reasons = row.get("reasons")
    if isinstance(reasons, str):
        try:
            reasons = json.loads(reasons)
        except json.JSONDecodeError:
            reasons = [reasons]
    try:
        score = None if row.get("score") in (None, "") else float(row["score"])
        at = dt.datetime.fromisoformat(row["at"]) if row.get("at") else _now()
    except (TypeError, ValueError) as error:
        raise JudgementError(f"{where}: score or at is not readable ({error})") from None
    a, b = sorted((row["a"], row["b"]))
    return {
        "id": pair_id(row["label"], a, b),
        "label": row["label"],
        "a": a,
        "b": b,
        "a_name": row.get("a_name") if a == row["a"] else row.get("b_name"),
        "b_name": row.get("b_name") if a == row["a"] else row.get("a_name"),
        "decision": row["decision"],
        "score": score,
        "reasons": [str(reason) for reason in reasons] if isinstance(reasons, list) else [],
        "by": row.get("by") or current_user(),
        "at": at,
    }
