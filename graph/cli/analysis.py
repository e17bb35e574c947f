"""The network-analysis commands of ``python -m graph``.

    python -m graph communities [--algorithm leiden|louvain|label_propagation] [--seed S]
                                [--resolution R] [--summary] [--no-write] [--in-process]
                                [--limit N | --all] [SCOPE]
    python -m graph keyplayers [--limit N] [--in-process] [SCOPE]
    python -m graph path ID ID [--max-hops N] [--max-degree D] [--limit N] [--labels A,B] [--types T,U]
                        [--budget N]
    python -m graph links [--limit N] [SCOPE]
    python -m graph shells [--limit N] [--as-of DATE]
    python -m graph export --center ID [--hops N] --out FILE.html [--png FILE.png] [--pdf FILE.pdf]
                           [--title T] [--author A] [--question Q] [--notes N] [--redact PROP,PROP]
                           [--period START..END] [--no-timeline] [--no-map]

SCOPE: ``--labels A,B`` ``--types T,U`` ``--since DATE`` ``--until DATE``
``--around ID [--hops N]`` ``--weight TYPE=W`` ``--unweighted``. Every command takes
``--format table|csv|json``; run details go to standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from graph.analysis.communities import ALGORITHMS, DEFAULT_ALGORITHM, CommunityResult, write_back
from graph.analysis.gds import find_communities, find_key_players
from graph.analysis.links import hidden_links
from graph.analysis.paths import find_paths, paths_table
from graph.analysis.projection import Projection, Scope, project
from graph.analysis.shells import shell_scores
from graph.analysis.summaries import summarise
from graph.cli.params import hops, row_limit
from graph.model import Model
from graph.progress import ConsoleProgress, Progress
from graph.store import GraphStore, open_workspace
from graph.store.path_search import DEFAULT_BUDGET

if TYPE_CHECKING:
    from graph.views.timeline_chart import TimelineShown, Window

__all__ = ["add_commands"]

#: Nodes ``communities`` lists in a terminal table unless told: the largest rings' members.
LISTED = 1_000


def _names(text: str | None) -> tuple[str, ...] | None:
    return tuple(part.strip() for part in text.split(",") if part.strip()) if text else None


def _moment(text: str | None, parameter: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{parameter}: {text!r} is not a date (expected YYYY-MM-DD)") from None


def _weights(pairs: list[str]) -> dict[str, float] | None:
    weights = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--weight {pair!r}: expected TYPE=NUMBER") from None
        if weights[name.strip()] <= 0:
            raise ValueError(f"--weight {pair!r}: the weight must be positive")
    return weights or None


def _scope(store: GraphStore, args: argparse.Namespace) -> Scope:
    types = _names(args.types)
    weights = _weights(args.weight)
    for name in _names(args.labels) or ():
        store.model.label(name)
    for name in (types or ()) + tuple(weights or ()):
        store.model.relationship(name)
    return Scope(
        labels=_names(args.labels),
        types=types,
        since=_moment(args.since, "--since"),
        until=_moment(args.until, "--until"),
        around=tuple(args.around),
        hops=args.hops,
        weights=weights,
        weighted=not args.unweighted,
    )


def _said_where(progress: Progress, where: str, notes: list[str]) -> None:
    progress.say(f"ran {where}" + "".join(f"; {note}" for note in notes))


def _communities(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    with ConsoleProgress() as progress:
        return _found_communities(store, args, progress)


def _found_communities(store: GraphStore, args: argparse.Namespace, progress: Progress) -> pd.DataFrame:
    with store.writes_ahead() if args.write else nullcontext():  # the file opens while they are found
        return _detected(store, args, progress)


def _detected(store: GraphStore, args: argparse.Namespace, progress: Progress) -> pd.DataFrame:
    ran = find_communities(
        store,
        _scope(store, args),
        args.algorithm,
        seed=args.seed,
        resolution=args.resolution,
        in_process=args.in_process,
        progress=progress,
    )
    _said_where(progress, ran.where, ran.notes)
    projection, result = ran.projection, ran.result
    summary = (
        summarise(store, projection, result, limit=None, progress=progress) if args.summary or args.write else None
    )
    run_id = "not written (--no-write)"
    if args.write:  # the last report comes before the writes: a cancel leaves the graph as it was
        progress.report(f"saving the community of each of {projection.node_count:,} nodes")
        run_id = write_back(store, open_workspace(), projection, result, summary)  # it keeps the summary
    progress.say(
        f"{result.algorithm} ({result.implementation}): {len(set(result.membership.values()))} communities "
        f"over {result.nodes} nodes and {result.edges} edges, modularity {result.modularity:.4f}, "
        f"{result.seconds:.2f} s, seed {result.seed}, resolution {result.resolution:g}"
        f"{f' (chosen from the data: {result.resolution_rule})' if result.resolution_rule else ''}; run {run_id}"
    )
    return summary if args.summary else _members(projection, result, _listed(args))


def _listed(args: argparse.Namespace) -> int | None:
    """How many nodes ``communities`` lists (None: all): a table is read by a person, CSV
    and JSON by a program or a file."""
    if args.all:
        return None
    if args.limit is not None:
        return args.limit
    return LISTED if args.format == "table" else None


def _members(projection: Projection, result: CommunityResult, limit: int | None) -> pd.DataFrame:
    """Each node's community, the largest communities' members first (in key order within
    one); at most ``limit`` of them, with a note saying how to get all."""
    keys = projection.keys
    community = np.fromiter((result.membership[key] for key in keys), np.int64, len(keys))
    order = np.argsort(community, kind="stable")  # nodes are in key order already
    if limit is not None and limit < len(order):
        print(
            f"note: the first {limit:,} of {len(order):,} nodes, the largest communities first; "
            "--all lists every one (--all --format csv > communities.csv: a file for a spreadsheet)",
            file=sys.stderr,
        )
        order = order[:limit]
    shown = order.tolist()
    return pd.DataFrame(
        {
            "id": [keys[i] for i in shown],
            "community": community[order],
            "labels": [list(projection.labels[i]) for i in shown],
            "name": [projection.names[i] for i in shown],
        },
        columns=["id", "community", "labels", "name"],
    )


def _keyplayers(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    with ConsoleProgress() as progress:
        frame, method = find_key_players(
            store,
            _scope(store, args),
            limit=args.limit,
            seed=args.seed,
            in_process=args.in_process,
            progress=progress,
        )
        _said_where(progress, method["where"], method["notes"])
        progress.say(f"betweenness {method['betweenness']}; {method['nodes']} nodes, {method['edges']} edges")
    return frame


def _path(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    found = find_paths(
        store,
        args.start,
        args.end,
        max_hops=args.max_hops,
        max_degree=args.max_degree,
        limit=args.limit,
        labels=_names(args.labels),
        types=_names(args.types),
        budget=args.budget,
    )
    if found.hubs:
        named = ", ".join(f"{key} ({neighbours:,})" for key, neighbours in found.hubs[:10])
        more = f" and {len(found.hubs) - 10} more" if len(found.hubs) > 10 else ""
        print(f"not walked through (more than {args.max_degree} neighbours): {named}{more}", file=sys.stderr)
    if not found.paths:
        print(f"no path of at most {args.max_hops} links joins {args.start} and {args.end}", file=sys.stderr)
    return paths_table(found.paths)


def _links(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    frame, too_common = hidden_links(project(store, _scope(store, args)), store.model, limit=args.limit)
    if too_common:
        print(f"left out as too common: {', '.join(too_common[:10])}", file=sys.stderr)
    return frame


def _shells(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    as_of = _moment(args.as_of, "--as-of")
    return shell_scores(store, as_of=as_of.date() if as_of else None, limit=args.limit)


def _writable(path: str | None, parameter: str) -> Path | None:
    """The file a parameter names, once its folder is known to exist."""
    if not path:
        return None
    out = Path(path)
    if not out.parent.is_dir():
        raise ValueError(f"{parameter}: the folder {out.parent} does not exist")
    return out


def _period(text: str | None) -> Window | None:
    """The days ``--period START..END`` names, both included."""
    if not text:
        return None
    first, dots, last = text.partition("..")
    try:
        window = (dt.date.fromisoformat(first.strip()), dt.date.fromisoformat(last.strip()))
    except ValueError:
        window = None
    if not dots or window is None:
        raise ValueError(f"--period: {text!r} is not a period (expected START..END in days: 2023-01-01..2023-06-30)")
    if window[0] > window[1]:
        raise ValueError(f"--period: {text!r} ends before it starts")
    return window


def _export(store: GraphStore, args: argparse.Namespace) -> pd.DataFrame:
    out, png, pdf = (_writable(args.out, "--out"), _writable(args.png, "--png"), _writable(args.pdf, "--pdf"))
    window = _period(args.period)
    with ConsoleProgress() as progress:
        return _exported(store, args, progress, (out, png, pdf), window)  # --out is required: out is a Path


def _in_period(untimed: nx.MultiDiGraph, model: Model, window: Window | None, progress: Progress) -> nx.MultiDiGraph:
    """The view cut to the period as the app's brush cuts it: what existed or happened then."""
    if window is None:
        return untimed
    from graph.views.timeline import in_window

    progress.report(f"keeping what existed or happened {window[0]} – {window[1]}")
    graph = in_window(untimed, model, *window)
    if graph.number_of_nodes() == 0:
        raise ValueError(f"--period: nothing in the view existed or happened from {window[0]} to {window[1]}")
    return graph


def _timeline_of(
    untimed: nx.MultiDiGraph, model: Model, window: Window | None, redact: tuple[str, ...], progress: Progress
) -> TimelineShown | None:
    """The timeline the briefing carries: the whole view, the period brushed; none when
    nothing in the view (as redacted) is dated."""
    from graph.views.briefing import Redaction
    from graph.views.timeline import UNDATED, view_events
    from graph.views.timeline_chart import TimelineShown

    progress.report(f"reading the dates of {untimed.number_of_nodes():,} entities for the timeline")
    if (view_events(Redaction.of(untimed, redact).graph(untimed), model)["role"] != UNDATED).any():
        return TimelineShown(untimed, window)
    progress.say("note: nothing in the view is dated: the briefing has no timeline")
    return None


def _has_places(graph: nx.MultiDiGraph, redact: tuple[str, ...], progress: Progress) -> bool:
    """Whether the map of the view (as redacted) places anything, for the briefing to carry it."""
    from graph.views.briefing import Redaction
    from graph.views.geo import locate

    progress.report(f"placing {graph.number_of_nodes():,} entities on the map")
    if locate(Redaction.of(graph, redact).graph(graph)).positions:
        return True
    progress.say("note: nothing in the view has a place: the briefing has no map")
    return False


def _export_scope(args: argparse.Namespace, untimed: nx.MultiDiGraph, window: Window | None) -> list[str]:
    """What the briefing's view is, in words, for its title page."""
    scope = [f"{args.hops} hop(s) around {', '.join(args.center)}"]
    if untimed.graph.get("truncated"):
        scope.append(f"cut at {args.limit} nodes")
    if window:
        scope.append(f"what existed or happened {window[0]} – {window[1]}")
    return scope


def _exported(
    store: GraphStore,
    args: argparse.Namespace,
    progress: Progress,
    files: tuple[Path | None, ...],
    window: Window | None,
) -> pd.DataFrame:
    from graph.views.briefing import briefing_html, map_picture, picture_html, property_names, timeline_picture

    out, png, pdf = files
    progress.report(f"reading {args.hops} hop(s) around {', '.join(args.center)}")
    untimed = store.neighbourhood(args.center, hops=args.hops, limit=args.limit)
    if untimed.number_of_nodes() == 0:
        raise ValueError(f"--center: no entity has id {', '.join(args.center)}")
    redact = _names(args.redact) or ()
    for name in sorted(set(redact) - set(property_names(untimed))):
        progress.say(f"note: --redact: no entity or link in the view has the property {name!r}")
    graph = _in_period(untimed, store.model, window, progress)
    timeline = _timeline_of(untimed, store.model, window, redact, progress) if args.timeline else None
    with_map = args.map and _has_places(graph, redact, progress)
    title = args.title or f"Network around {', '.join(args.center)}"
    progress.report(f"writing the briefing of {graph.number_of_nodes():,} entities to {out}")
    page = briefing_html(
        graph,
        store.model,
        title=title,
        author=args.author,
        question=args.question,
        notes=args.notes,
        redact=redact,
        scope=_export_scope(args, untimed, window),
        timeline=timeline,
        period=window,
        with_map=with_map,
    )
    out.write_text(page, encoding="utf-8")
    written = [out]
    if png:
        from graph.views.png import png_of

        progress.report(f"drawing the graph to {png} in Chromium")
        lanes = timeline_picture(timeline, store.model, redact=redact) if timeline else None
        where = map_picture(graph, store.model, redact=redact) if with_map else None
        written.append(png_of(picture_html(graph, store.model, redact=redact), png, timeline=lanes, map_page=where))
    if pdf:
        from graph.views.png import pdf_of

        progress.report(f"printing the briefing to {pdf} in Chromium")
        written.append(pdf_of(page, pdf))
    shown = {"timeline": timeline is not None, "map": with_map}
    return pd.DataFrame(
        [
            {"file": str(path), "nodes": graph.number_of_nodes(), "links": graph.number_of_edges()} | shown
            for path in written
        ]
    )


def _add_scope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labels", help="comma-separated labels to include (default: all but records)")
    parser.add_argument("--types", help="comma-separated relationship types to include (default: all)")
    parser.add_argument("--since", help="only what was seen on or after this date (last_seen)")
    parser.add_argument("--until", help="only what was seen on or before this date (first_seen)")
    parser.add_argument("--around", action="append", default=[], metavar="ID", help="only the neighbourhood of ID")
    parser.add_argument("--hops", type=hops, default=2, help="neighbourhood radius for --around (default 2)")
    parser.add_argument("--weight", action="append", default=[], metavar="TYPE=W", help="override a type's weight")
    parser.add_argument("--unweighted", action="store_true", help="every relationship weighs 1")


def _add_in_process(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--in-process", action="store_true", help="run here even when the Neo4j server has Graph Data Science"
    )


def add_commands(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Register the analysis subcommands; returns their parsers."""
    communities = commands.add_parser("communities", help="detect communities (rings) and store them")
    communities.add_argument("--algorithm", choices=ALGORITHMS, default=DEFAULT_ALGORITHM)
    communities.add_argument("--seed", type=int, default=42)
    communities.add_argument(
        "--resolution", type=float, default=None, help="higher: smaller communities (default: chosen from the data)"
    )
    communities.add_argument("--summary", action="store_true", help="one row per community instead of per node")
    listing = communities.add_mutually_exclusive_group()
    listing.add_argument(
        "--limit", type=row_limit, default=None, help=f"list at most N nodes (default {LISTED:,} in a table, else all)"
    )
    listing.add_argument("--all", action="store_true", help="list every node, in a table too")
    _add_in_process(communities)
    communities.add_argument("--no-write", dest="write", action="store_false", help="do not store the result")
    _add_scope(communities)
    communities.set_defaults(run=_communities)

    players = commands.add_parser("keyplayers", help="rank entities by degree, PageRank and betweenness")
    players.add_argument("--limit", type=row_limit, default=25)
    players.add_argument("--seed", type=int, default=42)
    _add_in_process(players)
    _add_scope(players)
    players.set_defaults(run=_keyplayers)

    path = commands.add_parser("path", help="shortest paths between two entities, explained")
    path.add_argument("start", metavar="ID")
    path.add_argument("end", metavar="ID")
    path.add_argument("--max-hops", type=int, default=6)
    path.add_argument("--max-degree", type=int, default=None, help="do not walk through nodes with more neighbours")
    path.add_argument("--limit", type=row_limit, default=10)
    path.add_argument("--labels", help="comma-separated labels to walk through (default: all)")
    path.add_argument("--types", help="comma-separated relationship types to follow (default: all)")
    path.add_argument("--budget", type=row_limit, default=DEFAULT_BUDGET, help="stop before reading more neighbours")
    path.set_defaults(run=_path)

    links = commands.add_parser("links", help="entities sharing identifiers without a direct link")
    links.add_argument("--limit", type=row_limit, default=100)
    _add_scope(links)
    links.set_defaults(run=_links)

    shells = commands.add_parser("shells", help="shell-company indicators with reasons")
    shells.add_argument("--limit", type=row_limit, default=100)
    shells.add_argument("--as-of", help="the date 'recent incorporation' counts back from (default: today)")
    shells.set_defaults(run=_shells)
    export = commands.add_parser("export", help="a self-contained HTML briefing of a neighbourhood (and a PNG, a PDF)")
    export.add_argument("--center", action="append", required=True, metavar="ID", help="the entity to centre on")
    export.add_argument("--hops", type=int, default=1, choices=(1, 2, 3))
    export.add_argument("--limit", type=row_limit, default=500, help="at most this many nodes in the view")
    export.add_argument("--out", required=True, help="the HTML file to write")
    export.add_argument("--png", help="also write a PNG of the graph (headless Chromium)")
    export.add_argument("--pdf", help="also write the briefing as an A4 PDF (headless Chromium)")
    export.add_argument("--title", default="")
    export.add_argument("--author", default="", help="who wrote the briefing, on its title page")
    export.add_argument("--question", default="", help="the question the briefing answers, on its title page")
    export.add_argument("--notes", default="", help="the analyst's notes, shown as text")
    export.add_argument("--redact", metavar="PROP,PROP", help="properties that must not appear in the HTML, PNG or PDF")
    export.add_argument(
        "--period",
        metavar="START..END",
        help="only what existed or happened in these days (ISO, both included), brushed on the timeline",
    )
    export.add_argument(
        "--no-timeline", dest="timeline", action="store_false", help="leave the timeline of the view out"
    )
    export.add_argument("--no-map", dest="map", action="store_false", help="leave the map of the view out")
    export.set_defaults(run=_export)
    return [communities, players, path, links, shells, export]
