"""The app under concurrent browser sessions: latency, errors and the server's memory.

    python bench/app_sessions.py [--sessions 10] [--seconds 60] [--reference-seconds 20] [--rings 12]

Starts the app (``streamlit run app.py``) on 127.0.0.1 on the demo rings in an embedded
store, then drives Debian Chromium through Playwright. Each session is one browser
context doing what an investigator does on Explore, over and over: type a case id, press
Show, wait until its view is drawn. First one session alone (the reference, same run),
then ``--sessions`` at once for ``--seconds``. Every request outside the app is refused
and counted; a failed or timed-out view, a page error or a Streamlit error box counts as
an error.

It prints the view latency (median and 95th percentile) of both runs and their ratio
(many sessions / one session), views per second, the app server's CPU seconds per view
(what the server spends, apart from the browsers sharing the machine), errors, outside
requests, and the app server's resident memory: after start, after the reference, its peak, at the end of the
load and once the sessions have closed. Memory is bounded when it grows by less than
``--max-growth`` MB over the second half of the load (the app's caches are capped, so a
steady load reaches a plateau). Exit status 1 on any error, any outside request, or
unbounded memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devserver.app_server import serving_app  # noqa: E402
from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.views.png import CHROMIUM  # noqa: E402
from ingest.demo import generate, load  # noqa: E402

VIEW_TIMEOUT = 120.0  # seconds a view may take before it counts as an error
CENTRE = """() => typeof network !== 'undefined' && network
  ? network.body.data.nodes.get().filter(n => n.borderWidth === 4).map(n => n.id) : []"""


@dataclass
class Run:
    """What one load phase measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0

    def line(self, name: str) -> str:
        ordered = sorted(self.latencies) or [float("nan")]
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return (
            f"{name:<14} {len(self.latencies):>6} {statistics.median(ordered):>9.2f} {p95:>9.2f} "
            f"{len(self.latencies) / self.seconds:>9.2f} {self.server_cpu / max(1, len(self.latencies)):>15.2f} "
            f"{len(self.errors):>7} {len(self.outside):>8}"
        )


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def demo_graph(folder: Path, rings: int) -> tuple[Path, list[str]]:
    """The demo graph in an embedded store, and the case ids the sessions will search."""
    database = folder / "demo.kgl"
    with EmbeddedStore(database) as store:
        load(store, generate(rings, seed=3))
        cases = sorted(row["key"] for row in store.read("MATCH (c:`Case`) RETURN c.id AS key", {}))
    return database, cases


async def drawn_centre(page, case: str) -> None:
    """Wait until a frame of ``page`` draws a view centred on ``case``."""
    deadline = time.monotonic() + VIEW_TIMEOUT
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if case in await frame.evaluate(CENTRE):
                    return
            except Exception:  # a frame being replaced by a rerun
                continue
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no view of {case} within {VIEW_TIMEOUT:.0f} s")


async def matched(page, case: str) -> None:
    """Wait until the search box's match is ``case`` (its rerun is done)."""
    match = page.get_by_role("combobox", name="Match")
    deadline = time.monotonic() + VIEW_TIMEOUT
    while not (await match.count() and f"({case})" in await match.input_value()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{case} was not found within {VIEW_TIMEOUT:.0f} s")
        await asyncio.sleep(0.1)


async def session(browser, url: str, cases: list[str], offset: int, until: float, run: Run) -> None:
    """One investigator: Explore, then case after case until ``until``."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})

    async def route(request_route) -> None:
        if request_route.request.url.startswith(url):
            await request_route.continue_()
        else:
            run.outside.append(request_route.request.url)
            await request_route.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.on("pageerror", lambda error: run.errors.append(f"page error: {error}"))
    try:
        await page.goto(f"{url}/explore", timeout=VIEW_TIMEOUT * 1000)
    except Exception as error:  # the app did not answer in time: an error, not the end of the bench
        run.errors.append(f"opening Explore: {type(error).__name__}: {str(error).splitlines()[0]}")
        await context.close()
        return
    box = page.get_by_label("Search an entity")
    step = 0
    while time.monotonic() < until:
        case = cases[(offset + step) % len(cases)]
        step += 1
        started = time.monotonic()
        try:
            await box.fill(case)
            await box.press("Enter")
            await matched(page, case)
            await page.get_by_role("button", name="Show", exact=True).click(timeout=VIEW_TIMEOUT * 1000)
            await drawn_centre(page, case)
            run.latencies.append(time.monotonic() - started)
        except Exception as error:  # a view that failed or timed out
            run.errors.append(f"{case}: {type(error).__name__}: {str(error).splitlines()[0]}")
        if await page.locator("[data-testid=stException]").count():
            run.errors.append(f"{case}: the page shows an exception")
    await context.close()


async def phase(browser, url: str, cases: list[str], sessions: int, seconds: float, pid: int) -> Run:
    """``sessions`` investigators at once for ``seconds``."""
    run = Run()
    started, cpu = time.monotonic(), cpu_seconds(pid)
    until = started + seconds
    await asyncio.gather(*(session(browser, url, cases, i * 7, until, run) for i in range(sessions)))
    run.seconds, run.server_cpu = time.monotonic() - started, cpu_seconds(pid) - cpu
    return run


async def watch_memory(pid: int, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((time.monotonic(), rss_mb(pid)))
        await asyncio.sleep(0.5)


async def bench(url: str, pid: int, cases: list[str], args: argparse.Namespace) -> bool:
    """Run both phases and print the figures; whether the app held."""
    from playwright.async_api import async_playwright

    memory: list[tuple[float, float]] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_memory(pid, memory, stop))
    at_start = rss_mb(pid)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        await phase(browser, url, cases, 1, 5, pid)  # warm-up: imports, caches, first layout
        reference = await phase(browser, url, cases, 1, args.reference_seconds, pid)
        after_reference = rss_mb(pid)
        load_started = time.monotonic()
        loaded = await phase(browser, url, cases, args.sessions, args.seconds, pid)
        load_ended = time.monotonic()
        at_load_end = rss_mb(pid)
        await browser.close()
    await asyncio.sleep(5)  # the server drops the closed sessions
    stop.set()
    await watcher
    during = [mb for when, mb in memory if load_started <= when <= load_ended]
    middle = [mb for when, mb in memory if load_started + args.seconds / 2 <= when <= load_ended]
    growth = max(middle) - middle[0] if middle else 0.0
    print(
        f"{'run':<14} {'views':>6} {'median s':>9} {'p95 s':>9} {'views/s':>9} {'server cpu/view':>15}"
        f" {'errors':>7} {'outside':>8}"
    )
    print(reference.line("1 session"))
    print(loaded.line(f"{args.sessions} sessions"))
    ratio = statistics.median(loaded.latencies or [float("nan")]) / statistics.median(
        reference.latencies or [float("nan")]
    )
    print(f"ratio ({args.sessions} sessions / 1 session, median view latency): {ratio:.2f}")
    print(
        f"server memory MB: start {at_start:.0f}, after 1 session {after_reference:.0f}, "
        f"peak under load {max(during, default=float('nan')):.0f}, end of load {at_load_end:.0f}, "
        f"sessions closed {rss_mb(pid):.0f}; second half of the load grew {growth:.0f} MB"
    )
    errors, outside = reference.errors + loaded.errors, reference.outside + loaded.outside
    for error in errors[:10]:
        print(f"error: {error}")
    for address in outside[:10]:
        print(f"outside request: {address}")
    if growth >= args.max_growth:
        print(f"memory grew {growth:.0f} MB over the second half of the load (limit {args.max_growth:.0f} MB)")
    return not errors and not outside and growth < args.max_growth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the concurrent sessions run")
    parser.add_argument("--reference-seconds", type=float, default=20.0, help="how long the lone session runs")
    parser.add_argument("--rings", type=int, default=12, help="demo rings in the graph")
    parser.add_argument("--max-growth", type=float, default=100.0, help="MB the second half of the load may add")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database, cases = demo_graph(Path(folder), args.rings)
        with serving_app(database, Path(folder)) as app:
            print(f"app at {app.url} (127.0.0.1 only), {len(cases)} cases searched in turn")
            held = asyncio.run(bench(app.url, app.pid, cases, args))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
