"""Review: the likely duplicates resolution proposed, one pair at a time, side by side
(names, properties, links and sources), decided with a button or a key: ``a`` accept
(merged, reversibly), ``r`` reject (never proposed again), ``u`` unsure, ``z`` undo the
last decision. The same decisions as ``python -m ingest review``. Above the queue, "Find
duplicates" runs resolution (as ``python -m ingest resolve`` does) with a progress bar and
Cancel: the queue is written only when the run ends, so a cancel leaves it as it was.

Names come from scraped storefronts: every one is shown as text (Markdown escaped by
:func:`ui.common.md`, tables through :func:`ui.common.show_table`). The keys are heard by
a small script in the page (Streamlit's own button shortcuts reserve ``r``); it sends the
key with the pair on screen, and a key meant for a pair already decided does nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from graph.progress import Progress
from graph.store import GraphStore, NodeNotFound, Settings
from graph.views.review import Side, reason, side
from graph.views.tables import cell_text
from ingest.resolution.engine import DEFAULT_THRESHOLD
from ingest.resolution.judgements import DECISIONS, Queue, decide, find_pair, latest, review_queue, standing, undo
from ingest.resolution.propose import find
from ingest.resolution.propose import queue as queue_proposals
from ui.common import changed, long_work, md, report_errors, say_if_cancelled, setup, show_table, workspace

ALL = "All labels"
SAID = "review_said"  # what the last action did (or why it failed), shown above the pair
NAME_SHOWN = 160  # characters of a name in a heading; the properties table has it whole
#: The buttons and their keys (letters the script below listens for).
ACTIONS = {"accept": "Accept (a)", "reject": "Reject (r)", "unsure": "Unsure (u)", "undo": "Undo last (z)"}
DONE = {"accept": "Accepted", "reject": "Rejected", "unsure": "Marked unsure"}
COUNTED = {"Pending": "pending", "Accepted": "accept", "Rejected": "reject", "Unsure": "unsure"}
FINDING = "review_finding"  # the long work of finding duplicates
FOUND = "review_found"  # what the last run found, said under its button
#: A reason's tag: colour, and a sign and a word so colour is not the only cue.
TAGS = {"for": ("green", "+"), "against": ("red", "−")}

_KEYS_JS = """
const ACTIONS = {a: "accept", r: "reject", u: "unsure", z: "undo"};
const typing = (event) => {
  const target = event.composedPath()[0];
  return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || ""));
};
export default function (component) {
  const keys = window.kgReviewKeys || (window.kgReviewKeys = {});
  keys.mounted = component;
  if (keys.listening) return;
  keys.listening = true;
  // capture on the window, before Streamlit's own shortcuts (its "r" reruns the page)
  window.addEventListener("keydown", (event) => {
    const mounted = keys.mounted;
    const action = ACTIONS[event.key];
    if (!action || !mounted || !mounted.parentElement.isConnected || event.ctrlKey || event.metaKey
        || event.altKey || event.repeat || typing(event)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    mounted.setTriggerValue("pressed", {action, pair: mounted.data.pair, last: mounted.data.last, at: Date.now()});
  }, true);
}
"""
_keys = st.components.v2.component("kg_review_keys", js=_KEYS_JS)


def _act(graph_store: GraphStore, action: str, pair: str | None) -> None:
    """Decide on ``pair`` (or undo the last decision); what happened is said on the next run."""
    try:
        if action == "undo":
            taken_back = undo(graph_store, workspace(), pair)
            said = ("success", f"Undone: {DONE[taken_back['decision']].lower()} {pair}; it is back in the queue")
        else:
            row = decide(graph_store, workspace(), pair, action)
            merged = f", merged as {row['merge']}" if row["merge"] else ""
            said = ("success", f"{DONE[action]} {pair}{merged}")
        if action in ("accept", "undo"):
            changed()  # the graph changed: cached views and counts are read again
    except (ValueError, NodeNotFound, RuntimeError) as error:  # a merge that cannot be undone, a node gone
        said = ("error", Settings.from_env().mask(f"{type(error).__name__}: {error}"))
    st.session_state[SAID] = said


@dataclass(frozen=True)
class Found:
    """What a run of Find duplicates queued: pairs by label, how many it found that the
    investigator had already decided (left out), and how long it took."""

    proposed: dict[str, int]
    left_out: int
    seconds: float

    def summary(self) -> str:
        total = sum(self.proposed.values())
        each = ", ".join(f"{count:,} for {label}" for label, count in self.proposed.items())
        return (
            f"{total:,} pairs proposed ({each}; {self.left_out:,} already decided, left out) in {self.seconds:,.0f} s"
        )


class _LabelStep(Progress):
    """One label's resolution reported as its step of the run: the bar moves label by
    label, and each line says which label it is about."""

    def __init__(self, run: Progress, label: str, number: int, labels: int) -> None:
        super().__init__()
        self._run, self._label, self._number, self._labels = run, label, number, labels

    def report(self, what: str, done: float | None = None, total: float | None = None) -> None:
        self._run.report(f"{self._label}: {what} · labels done", self._number, self._labels)


def _find_duplicates(graph_store: GraphStore, labels: list[str], threshold: float, progress: Progress) -> Found:
    """Resolve ``labels`` and queue the pairs nobody has decided, in place of their
    pending ones; the queue is written after the last report, so a cancel leaves it."""
    started = time.monotonic()
    decided = frozenset(standing(workspace()))
    rounds = [
        find(
            graph_store,
            labels=[label],
            threshold=threshold,
            decided=decided,
            progress=_LabelStep(progress, label, number, len(labels)),
        )
        for number, label in enumerate(labels)
    ]
    fresh = [pair for found in rounds for pair in found.proposals]
    queue_proposals(workspace(), labels, fresh)
    proposed = {label: sum(pair.label == label for pair in fresh) for label in labels}
    return Found(proposed, sum(found.left_out for found in rounds), time.monotonic() - started)


def _finder(graph_store: GraphStore, expanded: bool) -> bool:
    """The Find duplicates section; True when a run has just queued new proposals."""
    present = set(graph_store.labels_in_store())
    resolvable = [label for label in graph_store.model.resolvable_labels() if label in present]
    ran = False
    with st.expander("Find duplicates", expanded=expanded):
        labels = st.multiselect("Labels to compare", resolvable, default=resolvable, key="review_find_labels")
        lowest = st.number_input(
            "Lowest score (%)",
            1.0,
            100.0,
            DEFAULT_THRESHOLD * 100,
            step=1.0,
            format="%.1f",
            key="review_find_threshold",
            help="How likely two nodes must be one entity to be proposed",
        )
        say_if_cancelled(FINDING)
        if st.button("Find duplicates", type="primary", disabled=not labels, key="review_find"):
            st.session_state.pop(FOUND, None)
            with long_work(FINDING, f"finding duplicates among {', '.join(labels)}") as progress:
                found = report_errors(lambda: _find_duplicates(graph_store, labels, lowest / 100, progress))
                if found:  # kept before the block ends: no Streamlit call may come between the queue and this
                    st.session_state[FOUND] = found
                    ran = True
    if FOUND in st.session_state:
        st.success(md(st.session_state[FOUND].summary()))
    return ran


def _percent(score: float) -> str:
    """A score as a percentage, with a second decimal where scores crowd (99.95% vs 99.5%);
    never 100%: resolution is never certain, a score rounded up to 1 is said as such."""
    if score >= 0.99995:
        return "over 99.99%"
    return f"{score:.2%}" if score >= 0.99 else f"{score:.1%}"


def _reasons(reasons: list[str]) -> str:
    """The reasons as a Markdown list, each tagged with the way it weighs."""
    lines = []
    for text in reasons:
        said = reason(text)
        if said.side is None:
            lines.append(f"- {md(said.says)}")
            continue
        colour, sign = TAGS[said.side]
        lines.append(f"- :{colour}-badge[{sign} {said.side} {md(said.weight)}] {md(said.says)}")
    return "\n".join(lines) or "No reasons recorded."


def _counts(queue: Queue) -> None:
    counts = queue.counts()
    for column, (title, name) in zip(st.columns(4), COUNTED.items(), strict=True):
        column.metric(title, f"{counts[name]:,}")


def _shown_name(name: str) -> str:
    return name if len(name) <= NAME_SHOWN else f"{name[:NAME_SHOWN]}… ({len(name):,} characters)"


def _show_side(title: str, shown: Side | None, key: str, proposed_name: str | None) -> None:
    st.caption(title)
    if shown is None:
        st.subheader(md(_shown_name(proposed_name or key)))
        st.warning(md(f"{key} is no longer in the graph (merged into another node since it was proposed)."))
        return
    st.subheader(md(_shown_name(shown.name)))
    st.caption(md(f"{shown.key} · {', '.join(shown.labels)}"))
    properties = pd.DataFrame(
        {"property": list(shown.properties), "value": [cell_text(v) for v in shown.properties.values()]}
    )
    show_table(properties, width="stretch")
    st.markdown("**Links**")
    if not shown.links:
        st.caption("No links.")
    for group, neighbours in shown.links.items():
        names = ", ".join(md(_shown_name(f"{name} ({other})")) for name, other in neighbours)
        rest = shown.linked[group] - len(neighbours)
        st.markdown(f"{md(group)} ({shown.linked[group]}): {names}" + (f" and {rest} more" if rest else ""))
    if shown.more:
        st.caption("A hub: only its first neighbours were read.")
    st.markdown("**Sources**")
    seen = " · ".join(md(cell_text(value)) for value in (shown.first_seen, shown.last_seen) if value is not None)
    st.markdown("\n".join(f"- {md(source)}" for source in shown.sources) or "No sources recorded.")
    if seen:
        st.caption(f"first and last seen: {seen}")


def _buttons(graph_store: GraphStore, pair: dict[str, Any] | None, last: dict[str, Any] | None) -> None:
    columns = st.columns(4)
    for column, action in zip(columns, ACTIONS, strict=True):
        target = (last or {}).get("id") if action == "undo" else (pair or {}).get("id")
        column.button(
            ACTIONS[action],
            key=f"review_{action}",
            disabled=target is None,
            width="stretch",
            on_click=_act,
            args=(graph_store, action, target),
        )


def _heard(graph_store: GraphStore, pair: dict[str, Any] | None, last: dict[str, Any] | None) -> bool:
    """Act on a key pressed for what is on screen; True when something was done."""
    shown = {"pair": pair["id"] if pair else None, "last": last["id"] if last else None}
    pressed = getattr(_keys(data=shown, key="review_keys", on_pressed_change=lambda: None), "pressed", None)
    if not isinstance(pressed, dict) or pressed.get("action") not in (*DECISIONS, "undo"):
        return False
    target = shown["last"] if pressed["action"] == "undo" else shown["pair"]
    if target is None or pressed.get("last" if pressed["action"] == "undo" else "pair") != target:
        return False  # pressed for a pair decided meanwhile
    _act(graph_store, pressed["action"], target)
    return True


graph_store = setup("Review duplicates")
st.caption(
    "Pairs resolution proposed (Find duplicates below, or `python -m ingest resolve`), best score first. "
    "Accept merges the two "
    "(undo restores them exactly); reject keeps the pair from being proposed again; unsure leaves it aside. "
    "Keys: a accept · r reject · u unsure · z undo the last decision (when no box has the cursor)."
)
queue = review_queue(workspace())
if _finder(graph_store, expanded=not queue.waiting):
    queue = review_queue(workspace())
waiting = queue.by_label()
chosen = st.selectbox(
    "Label",
    [ALL, *waiting],
    format_func=lambda label: label if label == ALL else f"{label} ({waiting[label]:,})",
    key="review_label",
)
shown = queue.of(None if chosen == ALL else chosen)
current = find_pair(workspace(), shown[0]["id"]) if shown else None
last = latest(workspace())
if _heard(graph_store, current, last):
    st.rerun()
_counts(queue)
if SAID in st.session_state:
    kind, text = st.session_state[SAID]
    (st.success if kind == "success" else st.error)(md(text))
_buttons(graph_store, current, last)
if current is None:
    st.info("Nothing to review: every proposed pair is decided. Find duplicates above for new proposals.")
else:
    score = _percent(current["score"])
    st.markdown(md(f"Pair 1 of {len(shown):,} · {current['label']} · score {score} · {current['id']}"))
    st.markdown(_reasons(current["reasons"] or []))
    left, right = st.columns(2)
    with left:
        _show_side("a", side(graph_store, current["a"]), current["a"], current["a_name"])
    with right:
        _show_side("b", side(graph_store, current["b"]), current["b"], current["b_name"])
