"""``python -m ingest``: load files into the configured store.

    python -m ingest PATH [PATH ...] [--mapping FILE [--phone-region US]] [--strict] [--rejects FILE]
    python -m ingest check MAP.yaml FILE [--rows 20] [--format table|json] [--phone-region US]
    python -m ingest demo --out DIR [--scale N] [--seed S]
    python -m ingest resolve [--threshold 0.85] [--labels L1,L2] [--format table|csv|json] [--apply]
    python -m ingest unmerge JUDGEMENT_ID
    python -m ingest screen LIST.csv [--threshold 0.8] [--labels L1,L2] [--phone-region US] [--format ...]
    python -m ingest review list|accept|reject|unsure|undo|export|import ...

Exit status: 1 when nothing could be loaded, when anything was rejected under
``--strict``, or when Ctrl-C stopped the load; 2 for an error the user can fix (a bad
mapping, an unknown label or judgement), named in one line; 0 otherwise (rejected rows
are in the rejects file). Each file loaded is recorded in the workspace, never in the
graph. A load shows its progress on stderr; the first Ctrl-C stops it after the rows
being written, and the summary says, file by file, what is in the graph.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from graph.cli.errors import reported
from graph.progress import Cancelled, ConsoleProgress, Progress
from graph.store import open_store, open_workspace
from ingest import check, demo, resolve, review, screen
from ingest.history import LoadJournal
from ingest.loader import FileReport, LoadCancelled, load_mapped, load_paths, write_rejects
from ingest.merge import unmerge


def _unmerge(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest unmerge", description="Undo a merge judgement.")
    parser.add_argument("judgement", help="the judgement id that resolve --apply printed")
    args = parser.parse_args(argv)
    with open_store() as store:
        unmerge(store, open_workspace(), args.judgement)
    print(f"{args.judgement} undone: both entities are back as they were")
    return 0


def _rejects_problem(rejects: Path, inputs: list[Path]) -> str | None:
    """Why the rejects file cannot be used, found before anything is loaded: the rows it
    would hold must not overwrite the data, nor be lost after the good rows are written."""
    target = rejects.resolve()
    for path in inputs:
        source = path.resolve()
        if target == source or (source.is_dir() and target.parent == source and target.suffix.lower() == ".csv"):
            return "it is one of the files being loaded"
    existed = rejects.exists()
    try:
        with open(rejects, "a", encoding="utf-8"):
            pass
    except OSError as error:
        return f"cannot be written ({error.strerror or error})"
    if not existed:
        rejects.unlink()
    return None


def _load(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Load investigation data into the graph.")
    parser.add_argument("paths", nargs="+", type=Path, help="neo4j-admin CSV files or folders; with --mapping, tables")
    parser.add_argument("--mapping", type=Path, help="a YAML mapping for CSV, Excel or JSON Lines tables")
    parser.add_argument(
        "--phone-region",
        type=check.phone_region_argument,
        help="with --mapping: the region (ISO 3166 alpha-2, such as US) of phone numbers written without +,"
        " where the mapping's defaults name none; else such numbers are kept as written",
    )
    parser.add_argument("--strict", action="store_true", help="load nothing from a file that has any bad row")
    parser.add_argument(
        "--rejects",
        type=Path,
        default=Path("ingest-rejects.csv"),
        help="where rejected rows go, with their reasons (default ingest-rejects.csv)",
    )
    args = parser.parse_args(argv)
    if args.phone_region and not args.mapping:
        parser.error("--phone-region is the region of the phones a mapping cleans: give --mapping too")
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {missing[0]}", file=sys.stderr)
        return 1
    problem = _rejects_problem(args.rejects, [*args.paths, *([args.mapping] if args.mapping else [])])
    if problem:
        print(f"error: --rejects {args.rejects}: {problem}; name another file", file=sys.stderr)
        return 2
    workspace = open_workspace()
    stopped = False
    with ConsoleProgress() as progress, open_store(reader=True) as store, _stopped_by_ctrl_c(progress):
        journal = LoadJournal(workspace, store)
        try:
            if args.mapping:
                reports = load_mapped(
                    store,
                    args.mapping,
                    args.paths,
                    strict=args.strict,
                    journal=journal,
                    progress=progress,
                    phone_region=args.phone_region,
                )
            else:
                reports = load_paths(store, args.paths, strict=args.strict, journal=journal, progress=progress)
        except LoadCancelled as stop:
            reports, stopped = stop.reports, True
        workspace.remember_vocabulary(store.model)
        if not stopped:
            with suppress(Cancelled):  # else the first search builds it
                store.prepare_search(progress)
            store.open_for_reads()  # the next command, or the app, finds the new save open
    for report in reports:
        print(report.summary())
    rejected = sum(report.rejected for report in reports)
    if rejected:
        write_rejects(reports, args.rejects)
        print(f"{rejected} rejected rows, with their reasons, are in {args.rejects}", file=sys.stderr)
    if stopped:
        print(_what_holds(reports), file=sys.stderr)
    loaded = sum(report.loaded for report in reports)
    if stopped or loaded == 0 or (args.strict and rejected):
        return 1
    return 0


@contextmanager
def _stopped_by_ctrl_c(progress: Progress) -> Iterator[None]:
    """The first Ctrl-C asks the load to stop after the rows being written (so it can
    say what is in the graph); a second one ends the command at once."""
    previous = signal.getsignal(signal.SIGINT)

    def stop(signum: int, frame: FrameType | None) -> None:
        progress.cancel()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _what_holds(reports: list[FileReport]) -> str:
    """One line after a stopped load: what is in the graph, and how to complete it."""
    whole = sum(report.finished and not report.problem for report in reports)
    cut = [report.path.name for report in reports if report.stopped and report.started]
    untouched = sum(report.stopped and not report.started for report in reports)
    parts = [f"{whole} file(s) loaded whole"]
    if cut:
        parts.append(f"{', '.join(cut)} cut short (the rows said above are in the graph)")
    parts.append(f"{untouched} file(s) not loaded")
    return f"stopped by Ctrl-C: {'; '.join(parts)}. Run the same command again to complete the load."


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    commands = {
        "check": check.main,
        "demo": demo.main,
        "resolve": resolve.main,
        "review": review.main,
        "screen": screen.main,
        "unmerge": _unmerge,
    }
    command = commands.get(argv[0]) if argv else None
    if command is not None:
        return reported(lambda: command(argv[1:]))
    return reported(lambda: _load(argv))


if __name__ == "__main__":
    sys.exit(main())
