"""What every page of the app shares: the store, entity pickers, the network view and the
briefing export.

Safety: names come from scraped storefronts, so they never reach Markdown or HTML
unescaped. Tables go through :func:`show_table` (``st.dataframe``: text), the network is
drawn inside an iframe sandboxed without same-origin access (a script that slipped
through could not touch the app), and Markdown captions use :func:`md`. Direction
controls in names (a right-to-left override) are shown as ``[U+202E]`` in all of them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from graph.analysis.communities import write_back
from graph.analysis.gds import find_communities
from graph.analysis.projection import Scope
from graph.analysis.summaries import summarise
from graph.attribution import utc_now
from graph.model import Model
from graph.progress import Cancelled, Progress, step_text
from graph.store import GraphStore, Settings, open_store, open_workspace
from graph.views.briefing import briefing_html, map_picture, picture_html, property_names, timeline_picture
from graph.views.drawing import legend_html, network_html
from graph.views.search import find_entities
from graph.views.tables import format_frame
from graph.views.text import visible, visible_frame
from graph.views.timeline_chart import TimelineShown, Window, timeline_height, timeline_lanes, timeline_page
from graph.workspace import Workspace

__all__ = [
    "FRESH_FOR",
    "store",
    "workspace",
    "version",
    "changed",
    "md",
    "setup",
    "entity_picker",
    "NetworkEvents",
    "show_network",
    "show_legend",
    "Period",
    "TimelineEvents",
    "show_timeline",
    "show_table",
    "briefing_panel",
    "csv_download",
    "name_of",
    "report_errors",
    "ProgressBar",
    "long_work",
    "say_if_cancelled",
    "run_communities",
]

VIEW_HEIGHT = 760
TIMELINE_HEIGHT = 330
VIEW_WIDTH = 810  # the drawing's column on a 1600-pixel screen: the layout is shaped for it
FRESH_FOR = 300  # seconds a cached read of the store is reused (data loaded meanwhile shows after)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


_changes = [0]  # writes made through the app (saved communities, ...), process-wide


@st.cache_resource(show_spinner=False)
def _open(settings: Settings) -> GraphStore:
    # checked: an unreachable server fails here. A large embedded file is read through the
    # reader process the command line shares, so the app holds no copy of its own; it is
    # started now, so the page's first parts (counts and rings, which need no read of the
    # graph) show while it opens the file.
    opened = open_store(settings, reader=True)
    opened.open_for_reads()
    return opened


def store() -> GraphStore:
    """One store per configuration and server process, from the environment
    (``NEO4J_*`` or ``GRAPH_DB``)."""
    return _open(Settings.from_env())


def workspace() -> Workspace:
    """The tool's own records (loads, analysis runs, judgements) for this configuration."""
    return open_workspace(Settings.from_env())


def version() -> tuple[str, int]:
    """Which data cached results belong to: the store and the app's writes to it."""
    return Settings.from_env().describe(), _changes[0]


def changed() -> None:
    """Note a write through the app, so cached views and counts are read again."""
    _changes[0] += 1


def setup(title: str) -> GraphStore:
    """The page header, shared by every page; returns the store, or stops the page
    with a one-line reason when it cannot be opened (no credentials in it)."""
    st.title(title)
    try:
        return store()
    except Exception as error:  # any driver or file error: the page cannot work without the store
        settings = Settings.from_env()
        st.error(md(settings.mask(f"Cannot open the graph ({settings.describe()}): {type(error).__name__}: {error}")))
        st.stop()


def md(text: object) -> str:
    """``text`` safe inside Markdown: every character Markdown or HTML would act on is
    backslash-escaped, so ``![x](http://...)`` or ``<img>`` show as typed; direction
    controls are shown, not obeyed."""
    return _MARKDOWN.sub(r"\\\1", visible(text)).replace("\n", " ")


def name_of(graph: nx.MultiDiGraph, model: Model, key: str) -> str:
    """The display name of a node in a view, or its key, direction controls shown."""
    data = graph.nodes[key] if key in graph else {}
    return visible(model.display_name(data.get("labels") or [], data.get("properties") or {}, key))


def report_errors(action: Callable[[], object]) -> object | None:
    """Run ``action``; a bad input shows as one error line instead of a traceback."""
    try:
        return action()
    except (ValueError, KeyError, RuntimeError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        st.error(md(Settings.from_env().mask(f"{type(error).__name__}: {message}")))
        return None


REDRAW_EVERY = 0.2  # seconds between two redraws of a progress bar
_WORKING = "long_work_"  # session-state prefix: a page's work started and not yet finished


class ProgressBar(Progress):
    """Long work's reports drawn as a progress bar with what it is doing.

    Each redraw is a Streamlit call, where Streamlit stops a script run that a click
    (the Cancel button, or any other widget) has asked to rerun: work in the script
    thread therefore stops at its next report, as a :class:`Progress` cancel would.
    ``KG_PROGRESS_PAUSE`` (seconds, default 0) holds each new step on screen that long:
    the browser test cancels work that would otherwise finish before its click lands."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self._bar = st.progress(0.0, text=md(label))
        self._fraction = 0.0
        self._what = ""
        self._drawn = 0.0
        self._pause = float(os.environ.get("KG_PROGRESS_PAUSE") or 0)

    def show(self, what: str, done: float | None, total: float | None) -> None:
        now = time.monotonic()
        if what == self._what and now - self._drawn < REDRAW_EVERY:
            return
        if what != self._what:
            time.sleep(self._pause)
        self._what, self._drawn = what, now
        if done is not None and total:
            self._fraction = min(1.0, done / total)
        self._bar.progress(self._fraction, text=md(step_text(what, done, total)))


@contextmanager
def long_work(key: str, label: str) -> Iterator[ProgressBar]:
    """A progress bar and a Cancel button for the work run inside the block.

    A click on Cancel reruns the page, which stops the work at its next report; the work
    writes only after its last report, so nothing is half-written, and the next run of
    the page says it was cancelled (:func:`say_if_cancelled`). Between the work's writes
    and the end of the block there must be no Streamlit call (the stop would land there,
    after the writes, and the page would wrongly say nothing was written)."""
    slot = st.empty()
    with slot.container():
        bar = ProgressBar(label)
        st.button("Cancel", key=f"{key}_cancel", help="stop it: nothing is written until it has finished")
    st.session_state[_WORKING + key] = label
    try:
        yield bar
    except Exception as error:  # not Streamlit's stop, a BaseException: that one leaves the mark
        if not isinstance(error, Cancelled):
            del st.session_state[_WORKING + key]
            raise
    else:
        del st.session_state[_WORKING + key]
    slot.empty()
    say_if_cancelled(key)


def say_if_cancelled(key: str) -> bool:
    """Say so if this page's work under ``key`` was stopped before it finished (its mark
    is still set: the run it belonged to was cut short); True if it was."""
    label = st.session_state.pop(_WORKING + key, None)
    if label is None:
        return False
    st.warning(md(f"Cancelled: {label} was stopped before it finished; nothing was written."))
    return True


def run_communities(
    graph_store: GraphStore, progress: Progress, *, scope: Scope | None = None, save: bool = False, **options: Any
) -> dict[str, Any]:
    """Detect communities (``options`` go to :func:`~graph.analysis.gds.find_communities`:
    in the Neo4j server when it has Graph Data Science), summarise them and, with
    ``save``, write them to the graph and the run with its summary to the workspace:
    the writes come after the last report, so a cancel leaves the graph as it was. With
    ``save`` the file opens for the write-back while they are found."""
    with graph_store.writes_ahead() if save else nullcontext():
        ran = find_communities(graph_store, scope or Scope(), progress=progress, **options)
        projection, result = ran.projection, ran.result
        summary = summarise(graph_store, projection, result, limit=None, progress=progress)
        run_id = None
        if save:
            progress.report(f"saving the community of each of {projection.node_count:,} nodes")
            run_id = write_back(graph_store, workspace(), projection, result, summary)
            changed()
    return {"projection": projection, "result": result, "summary": summary, "run": run_id, "notes": ran.notes}


@st.cache_data(show_spinner=False, max_entries=256, ttl=FRESH_FOR)
def _find(text: str, data: tuple[str, int]) -> pd.DataFrame:
    return find_entities(store(), text, limit=25)


def entity_picker(label: str, key: str, *, help: str | None = None) -> str | None:
    """A search box (partial, accents, typos) and a choice among its matches; the key
    of the chosen entity, or None."""
    text = st.text_input(label, key=f"{key}_text", help=help, placeholder="a name, part of it, or an id")
    if not text.strip():
        return None
    found = _find(text, version())
    if found.empty:
        st.caption(f"Nothing matches {md(text)}.")
        return None
    options = list(found["key"])
    names = {row.key: visible(f"{row.name} ({row.key}) · {', '.join(row.labels)}") for row in found.itertuples()}
    return st.selectbox("Match", options, key=f"{key}_match", format_func=names.__getitem__)


# The view (or its timeline) runs in an iframe sandboxed without same-origin access; this
# frame (trusted, ours) only sets its srcdoc, passes on what the view posts (after checking
# where it comes from and its shape) and tells the view which nodes are selected and which
# period is brushed, so that a selection made elsewhere (the table, the other frame) shows
# without redrawing the view.
_FRAME_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let frame = parentElement.querySelector("iframe");
  const follow = () => frame.contentWindow && frame.contentWindow.postMessage(
    {kind: "show-selection", ids: JSON.parse(frame.dataset.selection || "[]"),
     window: JSON.parse(frame.dataset.window || "null")}, "*");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.title = data.title || "network";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.addEventListener("load", follow);
    parentElement.appendChild(frame);
  }
  frame.style.height = data.height + "px";
  frame.dataset.selection = JSON.stringify(data.selected || []);
  frame.dataset.window = JSON.stringify(data.window || null);
  if (frame.srcdoc !== data.html) frame.srcdoc = data.html; else follow();
  const strings = (value) => Array.isArray(value) && value.every((item) => typeof item === "string");
  const listen = (event) => {
    const message = event.data;
    if (event.source !== frame.contentWindow || !message) return;
    if ((message.kind === "select" || message.kind === "expand") && typeof message.id === "string") {
      setTriggerValue(message.kind, message.id);
    } else if (message.kind === "selection" && strings(message.ids)) {
      setTriggerValue("selection", message.ids);
    } else if (message.kind === "moved" && message.positions && typeof message.positions === "object") {
      const moved = Object.entries(message.positions).filter(
        ([id, at]) => Array.isArray(at) && at.length === 2 && at.every(Number.isFinite));
      setTriggerValue("moved", Object.fromEntries(moved));
    } else if (message.kind === "window" && [message.start, message.end].every(
        (day) => typeof day === "string" && /^\\d{4}-\\d{2}-\\d{2}$/.test(day))) {
      setTriggerValue("window", [message.start, message.end, message.play === true]);
    }
  };
  window.addEventListener("message", listen);
  return () => window.removeEventListener("message", listen);
}
"""
_network_frame = st.components.v2.component("kg_network", js=_FRAME_JS)
_timeline_frame = st.components.v2.component("kg_timeline", js=_FRAME_JS)


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_view(_graph: nx.MultiDiGraph, _options: dict, key: Hashable) -> str:
    return network_html(_graph, store().model, **_options)


@dataclass(frozen=True)
class NetworkEvents:
    """What the investigator did in the view during the interaction that caused this run:
    the node clicked, the node double-clicked (to expand), the nodes selected (with
    ctrl-click, several), and where dragged nodes were dropped."""

    select: str | None = None
    expand: str | None = None
    selection: tuple[str, ...] | None = None
    moved: dict[str, tuple[float, float]] | None = None


def show_network(
    graph: nx.MultiDiGraph,
    *,
    colour_by: str = "label",
    membership: Mapping[str, int] | None = None,
    sizes: Mapping[str, float] | None = None,
    more: Mapping[str, int] | None = None,
    highlight: set[str] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    selected: tuple[str, ...] = (),
    height: int = VIEW_HEIGHT,
    cache_key: Hashable | None = None,
    key: str = "network",
) -> NetworkEvents:
    """Draw a view, with its legend underneath, and return what the investigator did in
    it. The selection is shown without redrawing; with a ``cache_key`` standing for
    everything drawn, the layout is computed once."""
    options = {
        "colour_by": colour_by,
        "membership": membership,
        "sizes": sizes,
        "more": more,
        "highlight": highlight,
        "positions": positions,
        "height": f"{height - 20}px",
        "width": VIEW_WIDTH,
        "report_clicks": True,
    }
    if cache_key is None:
        view = network_html(graph, store().model, **options)
    else:
        view = _cached_view(graph, options, (cache_key, height))
    result = _network_frame(
        data={"html": view, "height": height, "selected": [node for node in selected if node in graph]},
        key=key,
        height=height + 10,
        on_select_change=lambda: None,
        on_expand_change=lambda: None,
        on_selection_change=lambda: None,
        on_moved_change=lambda: None,
    )
    show_legend(graph, colour_by, membership)
    selection = getattr(result, "selection", None)
    moved = getattr(result, "moved", None)
    return NetworkEvents(
        select=_known(getattr(result, "select", None), graph),
        expand=_known(getattr(result, "expand", None), graph),
        selection=tuple(node for node in selection if node in graph) if isinstance(selection, list) else None,
        moved={
            node: (float(at[0]), float(at[1]))
            for node, at in moved.items()
            if node in graph and isinstance(at, list) and len(at) == 2
        }
        if isinstance(moved, dict)
        else None,
    )


def _timeline_page(graph: nx.MultiDiGraph, options: dict) -> tuple[str, int]:
    """The timeline page of a view and how many lanes it draws."""
    lanes = timeline_lanes(graph, store().model, **options)
    return timeline_page(lanes), len(lanes["lanes"])


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_timeline(_graph: nx.MultiDiGraph, _options: dict, key: Hashable) -> tuple[str, int]:
    return _timeline_page(_graph, _options)


@dataclass(frozen=True)
class TimelineEvents:
    """What the investigator did in the timeline during the interaction that caused this
    run: the period brushed (or stepped to by Play: ``played``), the nodes of a lane clicked."""

    window: Window | None = None
    selection: tuple[str, ...] | None = None
    played: bool = False


def show_timeline(
    graph: nx.MultiDiGraph,
    *,
    colour_by: str = "label",
    membership: Mapping[str, int] | None = None,
    selected: tuple[str, ...] = (),
    window: Window | None = None,
    height: int = TIMELINE_HEIGHT,
    cache_key: Hashable | None = None,
    key: str = "timeline",
) -> TimelineEvents:
    """Draw the timeline of a view (:mod:`graph.views.timeline_chart`) showing ``window``
    and the ``selected`` nodes without redrawing it, at most ``height`` pixels tall (less
    for a few lanes); return what the investigator did. With a ``cache_key`` standing
    for the graph and its colours, the page is made once."""
    options = {"colour_by": colour_by, "membership": membership}
    made = _timeline_page(graph, options) if cache_key is None else _cached_timeline(graph, options, cache_key)
    page, height = made[0], min(height, timeline_height(made[1]))
    result = _timeline_frame(
        data={
            "html": page,
            "height": height,
            "title": "timeline",
            "selected": [node for node in selected if node in graph],
            "window": [day.isoformat() for day in window] if window else None,
        },
        key=key,
        height=height + 10,
        on_window_change=lambda: None,
        on_selection_change=lambda: None,
    )
    brushed = getattr(result, "window", None)
    selection = getattr(result, "selection", None)
    return TimelineEvents(
        window=(dt.date.fromisoformat(brushed[0]), dt.date.fromisoformat(brushed[1])) if brushed else None,
        selection=tuple(node for node in selection if node in graph) if isinstance(selection, list) else None,
        played=bool(brushed) and brushed[2:] == [True],
    )


class Period:
    """The period brushed in the timeline of a view (``window``) and what keeps a new one
    (``keep(window, played)``: None clears it; ``played`` when Play stepped to it)."""

    def __init__(self, key: str, window: Window | None, keep: Callable[[Window | None, bool], None]) -> None:
        self.key, self.window, self.keep = key, window, keep

    @classmethod
    def in_session(cls, key: str, scope: Hashable) -> Period:
        """A period kept in the session under ``key`` with the view it was brushed on
        (``scope``): another view starts with none."""
        kept_scope, window = st.session_state.get(key, (None, None))

        def keep(window: Window | None, played: bool) -> None:
            st.session_state[key] = (scope, window)

        return cls(key, window if kept_scope == scope else None, keep)

    def bar(self) -> None:
        """The period the view is filtered to, and the control that clears it."""
        if self.window is None:
            return
        left, right = st.columns([4, 1])
        left.markdown(md(f"Showing {self.window[0].isoformat()} – {self.window[1].isoformat()}"))
        right.button("Clear the period", key=f"{self.key}_clear", on_click=self.keep, args=(None, False))

    def follow(
        self, events: TimelineEvents, selected: tuple[str, ...], select: Callable[[tuple[str, ...]], None]
    ) -> None:
        """A period brushed (or stepped to by Play) filters the view; a lane clicked
        selects its nodes (``select``); either draws the page again."""
        if events.window is not None and events.window != self.window:
            self.keep(events.window, events.played)
            st.rerun()
        elif events.selection is not None and tuple(events.selection) != tuple(selected):
            select(tuple(events.selection))
            st.rerun()


def _known(node: object, graph: nx.MultiDiGraph) -> str | None:
    """A clicked id, if it is a node of the view (a "+ N more" node stands for its owner)."""
    if not isinstance(node, str):
        return None
    node = node.removeprefix("more:")
    return node if node in graph else None


def show_legend(graph: nx.MultiDiGraph, colour_by: str, membership: Mapping[str, int] | None = None) -> None:
    """Each label's colour and shape with what it stands for (escaped text)."""
    items = legend_html(graph, colour_by, membership)
    heading = "Communities: " if colour_by == "community" else ""
    st.html(f'<div class="legend" style="font-size:.85em">{heading}{items}</div>')


def show_table(frame: pd.DataFrame, **options: Any) -> None:
    """A table whose text shows direction controls instead of obeying them."""
    st.dataframe(visible_frame(frame), hide_index=True, **options)


def csv_download(frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A CSV download of a table; cells a spreadsheet would run as formulas are defused."""
    st.download_button(
        "Download CSV", format_frame(frame, "csv"), file_name=file_name, mime="text/csv", key=key, on_click="ignore"
    )


def briefing_panel(
    graph: nx.MultiDiGraph,
    *,
    key: str,
    title: str,
    tables: Mapping[str, pd.DataFrame] | None = None,
    scope: list[str] | None = None,
    drawing: Mapping[str, Any] | None = None,
    node_notes: Mapping[str, list[dict]] | None = None,
    timeline: TimelineShown | None = None,
    with_map: bool = False,
) -> None:
    """Export the current view, drawn as on screen (``drawing``: the options given to
    :func:`show_network`; ``timeline``: its timeline and period; ``with_map``: its map too): a self-contained HTML
    briefing, the same as a PDF, and a PNG for slides; the properties chosen for
    redaction appear in none of them."""
    drawing = dict(drawing or {})
    model = store().model
    with st.expander("Export a briefing"):
        heading = st.text_input("Title", value=title, key=f"{key}_title")
        author = st.text_input("Author", key=f"{key}_author")
        question = st.text_input("Question", key=f"{key}_question", help="what the briefing answers")
        notes = st.text_area("Notes for the reader", key=f"{key}_notes")
        redact = st.multiselect(
            "Redact properties",
            property_names(graph),
            key=f"{key}_redact",
            help="never written to the HTML, PDF or PNG (a test buyer's persona, an informant)",
        )
        period = (timeline.window, timeline.graph.number_of_nodes()) if timeline else None
        asked = (
            heading,
            author,
            question,
            notes,
            tuple(redact),
            _as_drawn(graph, drawing),
            graph.number_of_edges(),
            period,
        )

        def make(progress: Progress) -> dict[str, bytes]:
            progress.report("writing the briefing (HTML)")
            page = briefing_html(
                graph,
                model,
                title=heading,
                author=author,
                question=question,
                notes=notes,
                node_notes=node_notes,
                redact=redact,
                tables=tables,
                scope=scope or [],
                timeline=timeline,
                with_map=with_map,
                **drawing,
            )
            progress.report("printing the briefing to PDF in Chromium")
            document = _printed(lambda out: _pdf_of(page, out), "briefing.pdf")
            progress.report("drawing the graph to PNG in Chromium")
            lanes = timeline_picture(timeline, model, redact=redact, **drawing) if timeline else None
            where = map_picture(graph, model, redact=redact, **drawing) if with_map else None
            picture = _printed(
                lambda out: _png_of(picture_html(graph, model, redact=redact, **drawing), out, lanes, where), "view.png"
            )
            return {"html": page.encode("utf-8"), "pdf": document, "png": picture}

        if st.button("Make the briefing", key=f"{key}_make", help="the HTML page, the same as a PDF, and a PNG"):
            with long_work(f"{key}_work", "making the briefing") as progress:
                files = report_errors(lambda: make(progress))
                if files:
                    st.session_state[f"{key}_files"] = (asked, utc_now(), files)
        _briefing_downloads(key, st.session_state.get(f"{key}_files"), asked)


def _briefing_downloads(key: str, made: tuple | None, asked: tuple) -> None:
    """The files made for this view, to download; none once the view or the fields changed."""
    if made is None:
        return
    made_for, at, files = made
    if made_for != asked:
        st.caption("The view or the fields changed since the briefing was made: make it again.")
        return
    stamp = at.strftime("%Y%m%d-%H%M")
    for column, (label, kind, name, mime) in zip(
        st.columns(3),
        [
            ("Briefing (HTML)", "html", f"briefing-{stamp}.html", "text/html"),
            ("Briefing (PDF)", "pdf", f"briefing-{stamp}.pdf", "application/pdf"),
            ("Graph image (PNG)", "png", f"graph-{stamp}.png", "image/png"),
        ],
        strict=True,
    ):
        column.download_button(label, files[kind], file_name=name, mime=mime, key=f"{key}_{kind}", on_click="ignore")


def _as_drawn(graph: nx.MultiDiGraph, drawing: Mapping[str, Any]) -> tuple:
    """The view's nodes and how each is drawn, comparable between runs (a membership of
    the whole graph counts only for the view's nodes)."""
    nodes = sorted(graph.nodes)

    def for_view(value: Any) -> Any:
        if isinstance(value, Mapping):
            return tuple((node, value[node]) for node in nodes if node in value)
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(value))
        return value

    return (tuple(nodes), *((name, for_view(value)) for name, value in sorted(drawing.items())))


def _printed(make: Callable[[Path], Path], name: str) -> bytes:
    """The bytes of a file ``make`` writes (in a folder of its own, removed afterwards)."""
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as folder:
        return make(Path(folder) / name).read_bytes()


def _pdf_of(page: str, out: Path) -> Path:
    from graph.views.png import pdf_of  # Playwright is imported only when a PDF is made

    return pdf_of(page, out)


def _png_of(view: str, out: Path, timeline: str | None = None, map_page: str | None = None) -> Path:
    from graph.views.png import png_of

    return png_of(view, out, timeline=timeline, map_page=map_page)
