"""Review: the likely duplicates resolution proposed, one pair at a time, side by side
(names, properties, links and sources), decided with a button or a key: ``a`` accept
(merged, reversibly), ``r`` reject (never proposed again), ``u`` unsure, ``z`` undo the
last decision. The same decisions as ``python -m ingest review``.

Names come from scraped storefronts: every one is shown as text (Markdown escaped by
:func:`ui.common.md`, tables through :func:`ui.common.show_table`). The keys are heard by
a small script in the page (Streamlit's own button shortcuts reserve ``r``); it sends the
key with the pair on screen, and a key meant for a pair already decided does nothing."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.store import GraphStore, NodeNotFound, Settings
from graph.views.review import Side, side
from graph.views.tables import cell_text
from ingest.resolution.judgements import DECISIONS, Queue, decide, find_pair, latest, review_queue, undo
from ui.common import changed, md, setup, show_table, workspace

ALL = "All labels"
SAID = "review_said"  # what the last action did (or why it failed), shown above the pair
NAME_SHOWN = 160  # characters of a name in a heading; the properties table has it whole
#: The buttons and their keys (letters the script below listens for).
ACTIONS = {"accept": "Accept (a)", "reject": "Reject (r)", "unsure": "Unsure (u)", "undo": "Undo last (z)"}
DONE = {"accept": "Accepted", "reject": "Rejected", "unsure": "Marked unsure"}
COUNTED = {"Pending": "pending", "Accepted": "accept", "Rejected": "reject", "Unsure": "unsure"}

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
    "Pairs resolution proposed (`python -m ingest resolve`), best score first. Accept merges the two "
    "(undo restores them exactly); reject keeps the pair from being proposed again; unsure leaves it aside. "
    "Keys: a accept · r reject · u unsure · z undo the last decision (when no box has the cursor)."
)
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
    st.info("Nothing to review: every proposed pair is decided. Run `python -m ingest resolve` for new proposals.")
else:
    st.markdown(md(f"Pair 1 of {len(shown):,} · {current['label']} · score {current['score']:.2f} · {current['id']}"))
    st.markdown("\n".join(f"- {md(reason)}" for reason in current["reasons"] or []) or "No reasons recorded.")
    left, right = st.columns(2)
    with left:
        _show_side("a", side(graph_store, current["a"]), current["a"], current["a_name"])
    with right:
        _show_side("b", side(graph_store, current["b"]), current["b"], current["b_name"])
