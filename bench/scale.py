"""Every interaction of issue 14 at demo scale, beside the same interaction in the code
as it was before (commit 3066756), in the same run on the same files.

    python bench/scale.py [--scale 100000 ...] [--stores embedded,neo4j] [--rows ingest,lookup,...]
                          [--no-baseline | --no-ours] [--keep DIR] [--json FILE]

For each ``--scale`` (the demo generator's ``python -m ingest demo --scale N``) and each
store (the embedded file; a fresh local Neo4j server from ``devserver`` with Graph Data
Science), both checkouts, ours first, then the baseline (a ``git worktree`` of 3066756 run
with the same interpreter) do, each in its own process:

* ``ingest``: ``python -m ingest FOLDER`` into an empty store;
* ``lookup``: ``python -m graph cypher`` of one storefront by its id (a ``$parameter``);
* ``overview``: the app's Overview, first visit, in Debian Chromium: until the counts and
  the rings (or the offer to find them) are on screen, and ``overview, whole page`` until
  its script is done (its last part reads the graph). On the embedded store both run twice:
  ``(first)`` with no reader process for the file (it is started and waited for, see
  ``graph.store.reader``), then with the reader the first one left;
* ``search``: Explore's search of a storefront by name (``find_entities``), timed once
  the store is open; the opening is its own row, ``open store``;
* ``path``: the Path finder's first search (``find_paths``) between a ring's storefront
  and one of its cases, timed the same way;
* ``communities``, ``summary``, ``keyplayers``: ``python -m graph communities --no-write``,
  ``communities --summary``, ``keyplayers``; on Neo4j also with ``--in-process`` (our
  code runs them in the server when it has GDS; the baseline always ran them here).

It prints one table per scale and store: seconds for ours and the baseline, their ratio
(baseline / ours: above 1, ours is faster) and each process's peak resident memory (the
client's on Neo4j; the app server's for the Overview). Beside the 1,000,000-node embedded
rows it prints the issue's targets and whether each is met. A row the baseline cannot do
prints "—". ``--keep DIR`` keeps the demo files and loaded stores in DIR and reuses them
(a store already there is not loaded again unless ``ingest`` is among the rows; a
``DIR/N/csv`` may be a link to a demo folder made before), and the figures of each run, so a
long run can be made in pieces (``--rows``, ``--no-ours``) and the last piece prints the
whole table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devserver.app_server import serving_app  # noqa: E402
from devserver.neo4j_server import Neo4jServer, free_port  # noqa: E402
from graph.store.reader import stop_reader  # noqa: E402
from graph.views.png import CHROMIUM  # noqa: E402

BASELINE = "3066756"
ROWS = ("ingest", "lookup", "overview", "search", "path", "communities", "summary", "keyplayers")
IN_SERVER_ROWS = ("communities", "summary", "keyplayers")  # also measured with --in-process on Neo4j
ANALYSES = {
    "communities": ["communities", "--no-write"],
    "summary": ["communities", "--summary"],
    "keyplayers": ["keyplayers"],
}
#: The issue's goals at 1,000,000 nodes on the embedded store: seconds, and MB where it sets one.
TARGETS = {
    "ingest": (120.0, 4096.0),
    "lookup": (2.0, None),
    "overview": (5.0, None),
    "search": (1.0, None),
    "path": (2.0, None),
    "communities": (30.0, None),
    "summary": (30.0, None),
    "keyplayers": (120.0, None),
}
TARGET_SCALE = 1_000_000
TIMEOUT = 1800.0  # seconds any one row may take
LOOKUP = "MATCH (s:SalesChannel {id: $id}) RETURN s.id AS id, s.name AS name"
#: Run inside the checkout measured: open the store, then one search or path search; JSON out.
TIMED_CALL = """
import json, sys, time
began = time.perf_counter()
from graph.store import open_store
try:
    store = open_store(reader=True)  # as the app opens it
except TypeError:  # the baseline, before the reader process
    store = open_store()
opened = time.perf_counter() - began
if sys.argv[1] == "search":
    from graph.views.search import find_entities
    began = time.perf_counter()
    found = len(find_entities(store, sys.argv[2]))
else:
    from graph.analysis.paths import find_paths
    began = time.perf_counter()
    found = find_paths(store, sys.argv[2], sys.argv[3])
    found = len(getattr(found, "paths", found))
print(json.dumps({"open": opened, "seconds": time.perf_counter() - began, "found": found}))
"""


@dataclass
class Figure:
    """One row done by one checkout; ``seconds`` is None when it could not do it."""

    seconds: float | None
    peak_mb: float | None
    note: str = ""


@dataclass(frozen=True)
class Checkout:
    """A version of the code: where it lives and what it is called in the tables."""

    name: str
    root: Path


@dataclass(frozen=True)
class Probe:
    """What the rows ask for, picked from the demo files: ids and a name."""

    storefront: str
    name: str
    path_end: str


@dataclass(frozen=True)
class Place:
    """Where one checkout's store lives and the environment that points a process at it."""

    folder: Path
    env: dict[str, str]


# -- measuring one process -------------------------------------------------------------


def measured(argv: list[str], checkout: Checkout, env: dict[str, str]) -> tuple[Figure, str]:
    """Run ``argv`` in ``checkout`` and time it; its peak memory from the kernel (wait4)."""
    with tempfile.TemporaryFile() as output:
        began = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=checkout.root, env=_environment(checkout, env), stdout=output, stderr=subprocess.STDOUT
        )
        status, rusage = _waited(process)
        seconds = time.perf_counter() - began
        output.seek(0)
        text = output.read().decode(errors="replace")
    peak = rusage.ru_maxrss / 1024 if rusage else None
    if status != 0:
        return Figure(None, peak, _last_line(text) or f"exit status {status}"), text
    return Figure(seconds, peak), text


def _environment(checkout: Checkout, env: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_", "GRAPH_DB"))}
    return {**base, **env, "PYTHONPATH": str(checkout.root)}


def _waited(process: subprocess.Popen[bytes]) -> tuple[int, os.struct_rusage | None]:
    """The exit status and resource use of ``process``; killed after ``TIMEOUT``."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, rusage
        time.sleep(0.05)
    process.kill()
    _, status, rusage = os.wait4(process.pid, 0)
    process.returncode = -9
    return -9, rusage


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


# -- the rows ----------------------------------------------------------------------------


def ingest(checkout: Checkout, place: Place, csv_folder: Path) -> Figure:
    figure, _ = measured([sys.executable, "-m", "ingest", str(csv_folder)], checkout, place.env)
    return figure


def lookup(checkout: Checkout, place: Place, probe: Probe) -> Figure:
    argv = [sys.executable, "-m", "graph", "cypher", LOOKUP, "--param", f"id={probe.storefront}"]
    figure, text = measured(argv, checkout, place.env)
    if figure.seconds is not None and probe.name not in text:
        figure = Figure(None, figure.peak_mb, f"the storefront was not found: {_last_line(text)}")
    return figure


def timed_call(checkout: Checkout, place: Place, *what: str) -> tuple[Figure, Figure]:
    """(opening the store, the call) for a search or path search in its own process."""
    figure, text = measured([sys.executable, "-c", TIMED_CALL, *what], checkout, place.env)
    if figure.seconds is None:
        return figure, figure
    answer = json.loads(text.strip().splitlines()[-1])
    found = f"{answer['found']} found"
    return Figure(answer["open"], figure.peak_mb), Figure(answer["seconds"], figure.peak_mb, found)


def analysis(checkout: Checkout, place: Place, row: str, variant: str = "") -> Figure:
    """An analysis command; on Neo4j its ``variant`` is "GDS" or "in process"."""
    if checkout.name == "baseline" and variant == "GDS":
        return Figure(None, None, "no Graph Data Science before issue 14")
    argv = [sys.executable, "-m", "graph", *ANALYSES[row]]
    if variant == "in process" and checkout.name == "ours":  # the baseline's only way, without the option
        argv.append("--in-process")
    figure, _ = measured(argv, checkout, place.env)
    return figure


def overview(checkout: Checkout, place: Place, database: Path) -> tuple[Figure, Figure]:
    """The Overview's first visit in Chromium: until the counts and the rings (or the
    offer to find them) are on screen, and until its script is done (its last part,
    Recent cases, reads the graph)."""
    from playwright.sync_api import sync_playwright

    with serving_app(database, place.folder, root=checkout.root, store_env=place.env) as app:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            began = time.perf_counter()
            figures = []
            try:
                page.goto(app.url, timeout=TIMEOUT * 1000)  # the Overview is the default page
                for done in (OVERVIEW_SHOWN, OVERVIEW_DONE):
                    page.wait_for_function(done, timeout=TIMEOUT * 1000, polling=100)
                    figures.append(Figure(time.perf_counter() - began, _peak_mb(app.pid)))
            except Exception as error:  # a timeout or a page that broke: the row says so
                failed = Figure(None, _peak_mb(app.pid), f"{type(error).__name__}: {str(error).splitlines()[0]}")
                figures += [failed] * (2 - len(figures))
            browser.close()
    return figures[0], figures[1]


_METRICS_SHOWN = """[...document.querySelectorAll('[data-testid=stMetricValue]')].map(e => e.innerText.trim())"""
OVERVIEW_SHOWN = f"""() => {{
  const values = {_METRICS_SHOWN};
  const text = document.body.innerText;
  const rings = text.includes('Find and save communities') || text.includes('communities, modularity');
  return values.length >= 3 && values.every(v => v) && rings;
}}"""
OVERVIEW_DONE = f"""() => {{
  const app = document.querySelector('[data-testid=stApp]');
  const values = {_METRICS_SHOWN};
  return app?.getAttribute('data-test-script-state') === 'notRunning' && values.length >= 3 && values.every(v => v);
}}"""


def _peak_mb(pid: int) -> float | None:
    """A live process's peak resident memory, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


# -- the demo, the checkouts, the stores ------------------------------------------------------


def demo_folder(work: Path, scale: int) -> Path:
    """The demo's CSV at ``scale``, generated unless the work folder has it already."""
    folder = work / str(scale) / "csv"
    if not (folder / "truth" / "rings.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        argv = [sys.executable, "-m", "ingest", "demo", "--scale", str(scale), "--out", str(folder)]
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return folder


def probe(csv_folder: Path) -> Probe:
    """A storefront from the middle ring, its name, and a case of the same ring."""
    with open(csv_folder / "truth" / "rings.csv", newline="") as handle:
        rings = {row["id"]: row["ring"] for row in csv.DictReader(handle)}
    middle = sorted(set(rings.values()), key=int)[len(set(rings.values())) // 2]
    members = [node for node, ring in rings.items() if ring == middle]
    storefront = min(node for node in members if node.startswith("SC-"))
    case = min(node for node in members if node.startswith("CASE-"))
    with open(csv_folder / "nodes.SalesChannel.csv", newline="") as handle:
        name = next(row["name"] for row in csv.DictReader(handle) if row["id:ID"] == storefront)
    return Probe(storefront, name, case)


@contextmanager
def baseline_checkout(work: Path, wanted: bool) -> Iterator[Checkout | None]:
    """A worktree of the baseline commit (kept in a kept work folder), or None."""
    if not wanted:
        yield None
        return
    folder = work / "baseline-code"
    if not folder.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), BASELINE], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
    try:
        yield Checkout("baseline", folder)
    finally:
        if not (work / ".kept").exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)


def _files_env(folder: Path) -> dict[str, str]:
    return {
        "KG_WORKSPACE": str(folder / "workspace.sqlite"),
        "KG_AUDIT_LOG": str(folder / "audit.jsonl"),
        "KG_USER_QUERIES": str(folder / "queries"),
    }


@contextmanager
def store_place(work: Path, scale: int, store: str, checkout: Checkout, fresh: bool) -> Iterator[Place]:
    """An empty (``fresh``) or kept store for one checkout: a file, or a running Neo4j server."""
    folder = work / str(scale) / f"{store}-{checkout.name}"
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    if store == "embedded":
        yield Place(folder, {"NEO4J_URI": "", "GRAPH_DB": str(folder / "graph.kgl"), **_files_env(folder)})
        return
    server = Neo4jServer(folder / "neo4j", port=free_port(), heap="2g", pagecache="1g").start()
    try:
        auth = {"NEO4J_URI": server.uri, "NEO4J_USERNAME": server.username, "NEO4J_PASSWORD": server.password}
        yield Place(folder, {**auth, **_files_env(folder)})
    finally:
        server.stop()


def loaded(place: Place) -> bool:
    return (place.folder / "loaded").exists()


# -- one table ------------------------------------------------------------------------------


def measure_checkout(checkout: Checkout, place: Place, rows: list[str], csv_folder: Path, store: str) -> dict:
    """Every asked row for one checkout on one store: {row name: Figure}."""
    figures: dict[str, Figure] = {}
    if "ingest" in rows or not loaded(place):
        figures["ingest"] = ingest(checkout, place, csv_folder)
        if figures["ingest"].seconds is not None:
            (place.folder / "loaded").touch()
        _said(checkout, "ingest", figures["ingest"])
    found = probe(csv_folder)
    for row in (row for row in rows if row != "ingest"):
        for name, figure in one_row(checkout, place, row, found, store).items():
            figures[name] = figure
            _said(checkout, name, figure)
    stop_reader(place.folder / "graph.kgl")  # the next checkout starts from no reader too
    return figures


def one_row(checkout: Checkout, place: Place, row: str, found: Probe, store: str) -> dict[str, Figure]:
    """The figures one row gives: the row itself, and the store's opening or the
    in-process variant where it has them."""
    if row in ("lookup", "overview") and store == "embedded":
        stop_reader(place.folder / "graph.kgl")  # the first one starts the reader and waits for its open
        return _first_row(checkout, place, row, found, " (first)") | _first_row(checkout, place, row, found)
    if row in ("lookup", "overview"):
        return _first_row(checkout, place, row, found)
    if row == "search":
        opened, searched = timed_call(checkout, place, "search", found.name)
        return {"open store (search)": opened, row: searched}
    if row == "path":
        opened, searched = timed_call(checkout, place, "path", found.storefront, found.path_end)
        return {"open store (path)": opened, row: searched}
    if store == "neo4j":
        return {f"{row} ({variant})": analysis(checkout, place, row, variant) for variant in ("GDS", "in process")}
    return {row: analysis(checkout, place, row)}


def _first_row(checkout: Checkout, place: Place, row: str, found: Probe, suffix: str = "") -> dict[str, Figure]:
    if row == "lookup":
        return {f"lookup{suffix}": lookup(checkout, place, found)}
    shown, done = overview(checkout, place, place.folder / "graph.kgl")
    return {f"overview{suffix}": shown, f"overview, whole page{suffix}": done}


def _said(checkout: Checkout, row: str, figure: Figure) -> None:
    """A line as each figure comes in: a long run shows where it is."""
    seconds = "—" if figure.seconds is None else f"{figure.seconds:.2f} s"
    print(f"  {checkout.name:<9} {row:<26} {seconds:>10}  {figure.note}", file=sys.stderr, flush=True)


def table(scale: int, store: str, ours: dict[str, Figure], baseline: dict[str, Figure]) -> list[dict]:
    """Print one scale and store's table; its rows as records for the JSON."""
    targets = scale == TARGET_SCALE and store == "embedded"
    print(f"\n{scale:,} demo nodes, {store} store")
    header = f"{'row':<26} {'ours s':>9} {'baseline s':>11} {'ratio':>7} {'ours MB':>8} {'base MB':>8}"
    print(header + ("   target" if targets else ""))
    records = []
    for row in sorted(ours.keys() | baseline.keys(), key=_order):
        figure, before = ours.get(row, Figure(None, None)), baseline.get(row, Figure(None, None))
        record = {"scale": scale, "store": store, "row": row, "ours": asdict(figure), "baseline": asdict(before)}
        line = (
            f"{row:<26} {_number(figure.seconds, 9, 2)} {_number(before.seconds, 11, 2)} "
            f"{_ratio(before.seconds, figure.seconds)} {_number(figure.peak_mb, 8, 0)} {_number(before.peak_mb, 8, 0)}"
        )
        goal = TARGETS.get(row.removesuffix(" (first)")) if targets else None
        if goal:
            record["target"], record["met"] = _target(goal), _met(goal, figure)
            line += f"   {record['target']}: {'met' if record['met'] else 'NOT met'}"
        print(line)
        records.append(record)
    for row, figure in ours.items():
        if figure.note and figure.seconds is None:
            print(f"  ours, {row}: {figure.note}")
    for row, figure in baseline.items():
        if figure.note and figure.seconds is None:
            print(f"  baseline, {row}: {figure.note}")
    return records


def _number(value: float | None, width: int, digits: int) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def _ratio(before: float | None, now: float | None) -> str:
    return f"{'—':>7}" if not before or not now else f"{before / now:>6.2f}x"


def _target(goal: tuple[float, float | None]) -> str:
    seconds, megabytes = goal
    return f"< {seconds:g} s" + (f", < {megabytes / 1024:g} GB" if megabytes else "")


def _met(goal: tuple[float, float | None], figure: Figure) -> bool:
    seconds, megabytes = goal
    fast = figure.seconds is not None and figure.seconds < seconds
    return fast and (megabytes is None or (figure.peak_mb is not None and figure.peak_mb < megabytes))


# -- the command line --------------------------------------------------------------------------


def measure(work: Path, scale: int, store: str, checkouts: list[Checkout], rows: list[str]) -> list[dict]:
    csv_folder = demo_folder(work, scale)
    figures: dict[str, dict[str, Figure]] = {}
    for checkout in checkouts:
        print(f"{scale:,} nodes, {store}, {checkout.name}:", file=sys.stderr, flush=True)
        with store_place(work, scale, store, checkout, fresh="ingest" in rows) as place:
            figures[checkout.name] = kept_figures(place, measure_checkout(checkout, place, rows, csv_folder, store))
    for name in ("ours", "baseline"):  # a checkout not run this time: its figures from a kept run, if any
        figures.setdefault(name, kept_figures(Place(work / str(scale) / f"{store}-{name}", {}), {}))
    return table(scale, store, figures["ours"], figures["baseline"])


def kept_figures(place: Place, new: dict[str, Figure]) -> dict[str, Figure]:
    """``new`` over the figures an earlier run left in the store's folder, saved back: a run
    in pieces (``--rows``) ends with the whole table."""
    saved = place.folder / "figures.json"
    figures = {row: Figure(**kept) for row, kept in json.loads(saved.read_text()).items()} if saved.exists() else {}
    figures.update(new)
    if place.folder.is_dir():
        saved.write_text(json.dumps({row: asdict(figure) for row, figure in figures.items()}, indent=2))
    return dict(sorted(figures.items(), key=lambda item: _order(item[0])))


def _order(row: str) -> tuple[int, str]:
    """Tables in the order of ``ROWS``; a store's opening just before its row."""
    base = row.split(" (")[0].split(",")[0]
    if base == "open store":
        base = row[len("open store (") : -1]
    return ROWS.index(base), row


def _names(text: str, allowed: tuple[str, ...], parameter: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise SystemExit(f"error: {parameter} {','.join(unknown)}: expected some of {','.join(allowed)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="demo nodes (repeatable; default 100000)")
    parser.add_argument("--stores", default="embedded,neo4j", help="embedded,neo4j (default both)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"some of {','.join(ROWS)} (default all)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="measure our code only")
    parser.add_argument(
        "--no-ours", dest="ours", action="store_false", help="measure the baseline only (a piece of a kept run)"
    )
    parser.add_argument("--keep", type=Path, help="keep the demo files and loaded stores here and reuse them")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout`: stop the app and servers on the way out
    stores = _names(args.stores, ("embedded", "neo4j"), "--stores")
    rows = _names(args.rows, ROWS, "--rows")
    records: list[dict] = []
    with _work_folder(args.keep) as work, baseline_checkout(work, args.baseline) as baseline:
        checkouts = ([Checkout("ours", ROOT)] if args.ours else []) + ([baseline] if baseline else [])
        for scale in args.scale or [100_000]:
            for store in stores:
                records.extend(measure(work, scale, store, checkouts, rows))
    if args.json:
        args.json.write_text(json.dumps(records, indent=2) + "\n")
    return 0


@contextmanager
def _work_folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / ".kept").touch()
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="scale-") as folder:
        yield Path(folder)


if __name__ == "__main__":
    sys.exit(main())
