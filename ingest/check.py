"""``python -m ingest check``: what a mapping makes of a file's first rows, and every
problem it meets, before anything is loaded.

    python -m ingest check MAP.yaml FILE [--rows 20] [--format table|json] [--phone-region US]

Each row shows the nodes it makes (labels, key, properties as cleaned and typed, the
source its provenance names) and the links between them; each problem is named by file,
row, column and what is wrong (a missing key, a date that does not parse, a value a
cleaner refuses, an unknown label or type in the mapping). Nothing is written: no graph
is opened and the workspace is only read (for the labels earlier loads declared).
Exit status 0 when the rows have no problem, 1 when they have any, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from graph.model import Model, load_model
from graph.progress import SILENT, ConsoleProgress, Progress
from graph.records import NodeRecord, RelationshipRecord
from graph.store import open_workspace
from graph.values import PropertyError, clean_properties, to_json_value
from graph.views.tables import cell_text, format_frame
from ingest.mapping import MappingError, TableMapping, apply_mapping, check_region, load_mapping, table_rows
from ingest.templates import CellError
from ingest.textfile import BadRow, NotText

__all__ = ["Preview", "Problem", "main", "phone_region_argument", "preview"]

#: Rows a check reads at most: it previews a file (a load reads it whole); 10,000 rows
#: of four nodes and three links each take about 4 s and 400 MB.
MAX_ROWS = 10_000
REPORT_EVERY = 1_000  # rows between two progress reports (about 0.2 s)


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: the file (the data, or the mapping), the row (the header
    is row 1; none for the file as a whole) and the column when one is at fault."""

    file: str
    row: int | None
    column: str | None
    problem: str


@dataclass
class Preview:
    """The records the first rows of a file make through a mapping, and the problems met."""

    mapping: Path
    file: Path
    read: int = 0
    nodes: list[tuple[int, NodeRecord]] = field(default_factory=list)
    links: list[tuple[int, RelationshipRecord]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: int | None, column: str | None, text: str, file: Path | None = None) -> None:
        self.problems.append(Problem(str(file or self.file), row, column, text))


def preview(
    mapping_path: Path,
    path: Path,
    *,
    model: Model | None = None,
    rows: int = 20,
    phone_region: str | None = None,
    progress: Progress = SILENT,
) -> Preview:
    """The first ``rows`` rows of ``path`` through the mapping, as a load would make them."""
    seen = Preview(mapping_path, path)
    try:
        mapping = load_mapping(mapping_path, model or load_model(), phone_region=phone_region)
    except MappingError as error:
        seen.problem(None, None, str(error), mapping_path)
        return seen
    if not path.is_file():
        seen.problem(None, None, "no such file")
        return seen
    labels_of: dict[str, tuple[tuple[str, ...], int]] = {}
    try:
        for number, row in islice(table_rows(path, mapping), rows):
            seen.read += 1
            if seen.read % REPORT_EVERY == 0:
                progress.report(f"checking {path.name}", seen.read, rows)
            _check_row(seen, mapping, number, row, labels_of)
    except (MappingError, NotText, OSError) as error:
        seen.problem(None, None, str(error))
    return seen


def _check_row(
    seen: Preview,
    mapping: TableMapping,
    number: int,
    row: dict[str, Any] | BadRow,
    labels_of: dict[str, tuple[tuple[str, ...], int]],
) -> None:
    """One row's records on ``seen``, or its problem, as the load would reject it."""
    if isinstance(row, BadRow):
        seen.problem(number, None, str(row))
        return
    faults: list[CellError] = []
    nodes, links = apply_mapping(mapping, row, f"{seen.file.name}:{number}", problems=faults)
    for column, reason in dict.fromkeys((fault.column, fault.reason) for fault in faults):  # a cell read twice, once
        seen.problem(number, column, reason)
    if faults:
        return
    if not nodes:
        seen.problem(number, None, "the row makes no node: the columns of every key are empty")
        return
    for record in (*nodes, *links):
        try:
            clean_properties(record.properties)
        except PropertyError as error:
            seen.problem(number, None, str(error))
            return
    for node in nodes:
        first = labels_of.setdefault(node.key, (node.labels, number))
        if first[0][0] != node.labels[0]:
            seen.problem(
                number,
                None,
                f"key {node.key!r} is a {node.labels[0]} here but a {first[0][0]} in row {first[1]}; "
                "a key held by a node of another label is not taken over",
            )
            return
    seen.nodes.extend((number, node) for node in nodes)
    seen.links.extend((number, link) for link in links)


# -- the command line -------------------------------------------------------------------


def made_frame(seen: Preview) -> pd.DataFrame:
    """What the rows make, one line per node or link, in row order."""
    lines = [
        (number, 0, "node", ";".join(node.labels), node.key, node.properties, node.source)
        for number, node in seen.nodes
    ] + [
        (number, 1, "link", link.type, f"{link.start} -> {link.end}", link.properties, link.source)
        for number, link in seen.links
    ]
    lines.sort(key=lambda line: (line[0], line[1]))
    return pd.DataFrame(
        [
            (number, made, label, key, _properties_text(props), source)
            for number, _, made, label, key, props, source in lines
        ],
        columns=["row", "made", "label", "key", "properties", "source"],
    )


def _properties_text(properties: Mapping[str, Any]) -> str:
    return "; ".join(f"{name}={cell_text(value)}" for name, value in properties.items() if name != "id")


def problems_frame(seen: Preview) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.file, p.row, p.column or "", p.problem) for p in seen.problems],
        columns=["file", "row", "column", "problem"],
    )


def as_json(seen: Preview) -> str:
    """The preview for a script: the nodes, links and problems, by row."""
    document = {
        "mapping": str(seen.mapping),
        "file": str(seen.file),
        "rows": seen.read,
        "nodes": [
            {"row": n, "labels": list(r.labels), "key": r.key, "properties": r.properties, "source": r.source}
            for n, r in seen.nodes
        ],
        "links": [
            {"row": n, "type": r.type, "from": r.start, "to": r.end, "properties": r.properties, "source": r.source}
            for n, r in seen.links
        ],
        "problems": [vars(problem) for problem in seen.problems],
    }
    # ASCII: a scraped name's direction controls cannot reorder the terminal it is read in
    return json.dumps(to_json_value(document), ensure_ascii=True, indent=1)


def _rows(value: str) -> int:
    try:
        rows = int(value)
    except ValueError:
        rows = 0
    if not 1 <= rows <= MAX_ROWS:
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of rows from 1 to {MAX_ROWS:,}")
    return rows


def phone_region_argument(value: str) -> str:
    """``--phone-region``, checked as argparse reads it (a bad one is named, status 2)."""
    try:
        return check_region(value, "--phone-region")
    except MappingError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--phone-region: ")) from None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest check",
        description="Preview what a mapping makes of a file's first rows, with every problem; writes nothing.",
    )
    parser.add_argument("mapping", type=Path, help="the YAML mapping")
    parser.add_argument("file", type=Path, help="a CSV, Excel or JSON Lines table")
    parser.add_argument("--rows", type=_rows, default=20, help="how many rows to read (default 20)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--phone-region", type=phone_region_argument, help="as for python -m ingest --mapping")
    args = parser.parse_args(argv)
    model = load_model()
    open_workspace().teach(model)  # labels earlier loads declared; reading never creates the file
    with ConsoleProgress() as progress:
        seen = preview(
            args.mapping, args.file, model=model, rows=args.rows, phone_region=args.phone_region, progress=progress
        )
    if args.format == "json":
        print(as_json(seen))
    else:
        print(f"{seen.file}: {seen.read} row(s) read through {seen.mapping.name}")
        if seen.nodes:
            print(format_frame(made_frame(seen), "table"))
        print(f"\n{len(seen.problems)} problem(s)" + (":" if seen.problems else ""))
        if seen.problems:
            print(format_frame(problems_frame(seen), "table"))
    return 1 if seen.problems else 0
