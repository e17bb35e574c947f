"""The neo4j-admin import CSV convention, so exports of Neo4j and other tools load as is.

Headers: ``:ID`` / ``name:ID(Space)``, ``:LABEL`` (several labels joined by ``;``),
``:START_ID(Space)``, ``:END_ID(Space)``, ``:TYPE``, ``:IGNORE``, typed columns
(``age:int``, ``score:float``, ``active:boolean``, ``opened:date``,
``aliases:string[]``) and untyped columns as strings. Empty cells are absent properties.

A node's key is its import id (prefixed with its ID space, ``Space:id``, when the
header names one), kept by the store apart from the node's own properties, so a file's
``id``, ``type`` or ``title`` column stays a property like any other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.model import RESERVED
from graph.scalars import parse
from ingest.textfile import BadRow, csv_rows

__all__ = ["Column", "HeaderError", "RowError", "FileKind", "parse_header", "file_kind", "parse_row", "ARRAY_DELIMITER"]

ARRAY_DELIMITER = ";"
_HEADER = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?P<array>\[\])?(?:\((?P<space>[^)]*)\))?)?$")
_TYPES = {
    "string": "string",
    "char": "string",
    "int": "int",
    "long": "int",
    "short": "int",
    "byte": "int",
    "float": "float",
    "double": "float",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "localdatetime": "datetime",
}
_ROLES = {"id": "id", "label": "label", "start_id": "start", "end_id": "end", "type": "type", "ignore": "ignore"}


class HeaderError(ValueError):
    """A header this loader cannot read, named by column. ``rows`` holds the data rows
    that follow, so the loader can reject each of them."""

    rows: Iterator[tuple[int, list[str] | BadRow]] = iter(())


class RowError(ValueError):
    """A cell that does not fit its column, named by column."""


@dataclass(frozen=True)
class Column:
    """One header field: its property name (if any), role, value type and ID space."""

    header: str
    name: str | None
    role: str  # property, id, label, start, end, type, ignore
    type: str = "string"
    array: bool = False
    space: str | None = None


class FileKind:
    NODES = "nodes"
    RELATIONSHIPS = "relationships"


def parse_header(fields: list[str]) -> list[Column]:
    """Read a header row; a :class:`HeaderError` names the column it cannot read."""
    columns = []
    for position, raw in enumerate(fields, start=1):
        header = raw.strip()
        match = _HEADER.match(header)
        if not match or (not match.group("name") and not match.group("type")):
            raise HeaderError(f"column {position} ({raw!r}): not a neo4j-admin header such as name, age:int or :ID")
        name = match.group("name").strip() or None
        kind = (match.group("type") or "").lower()
        space = match.group("space")
        if kind in _ROLES:
            columns.append(Column(header, name, _ROLES[kind], "string", False, space or None))
        elif kind == "" or kind in _TYPES:
            if name is None:
                raise HeaderError(f"column {position} ({raw!r}): a property column needs a name")
            columns.append(Column(header, name, "property", _TYPES.get(kind, "string"), bool(match.group("array"))))
        else:
            raise HeaderError(
                f"column {position} ({raw!r}): type {kind!r} is not supported; use one of {sorted(_TYPES)}"
            )
    names = [c.name for c in columns if c.role in ("property", "id") and c.name]
    reserved = sorted(set(names) & RESERVED)
    if reserved:
        raise HeaderError(
            f"column {reserved[0]!r} has a name the store keeps for itself (provenance or key); "
            f"rename it in the file, or load the file through a mapping"
        )
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise HeaderError(f"column {duplicates[0]!r} appears twice")
    return columns


def file_kind(columns: list[Column]) -> str:
    """Nodes (an ``:ID`` column) or relationships (``:START_ID`` and ``:END_ID``)."""
    roles = [c.role for c in columns]
    if "start" in roles or "end" in roles:
        missing = [r for r in ("start", "end") if r not in roles]
        if missing:
            raise HeaderError(
                f"a relationship file needs :START_ID and :END_ID columns (missing :{missing[0].upper()}_ID)"
            )
        if "type" not in roles:
            raise HeaderError("missing required column :TYPE in a relationship file")
        return FileKind.RELATIONSHIPS
    if roles.count("id") != 1:
        raise HeaderError(
            "missing required column :ID (a node file needs exactly one; a relationship file :START_ID and :END_ID)"
        )
    if "label" not in roles:
        raise HeaderError("missing required column :LABEL in a node file")
    return FileKind.NODES


def node_key(value: str, space: str | None) -> str:
    """The store key of an import id within its ID space."""
    return f"{space}:{value}" if space else value


def convert(column: Column, text: str) -> Any:
    """A cell's value, ``None`` for an empty cell, or a :class:`RowError` naming the column."""
    if text == "":
        return None
    try:
        if column.array:
            return [parse(column.type, item) for item in text.split(ARRAY_DELIMITER) if item != ""]
        return parse(column.type, text)
    except ValueError as error:
        raise RowError(f"column {column.header!r}: {error}") from None


@dataclass
class ParsedRow:
    """One data row: its number and what it says, in the file's own terms."""

    number: int
    key: str | None = None  # node files
    labels: tuple[str, ...] = ()
    start: str | None = None  # relationship files
    end: str | None = None
    type: str | None = None
    properties: dict[str, Any] | None = None


def parse_row(columns: list[Column], number: int, fields: list[str], default_type: str | None = None) -> ParsedRow:
    """Turn one row into a :class:`ParsedRow`; a :class:`RowError` names the column."""
    if len(fields) != len(columns):
        raise RowError(f"expected {len(columns)} fields as in the header, found {len(fields)}")
    row = ParsedRow(number, properties={})
    for column, text in zip(columns, fields, strict=True):
        if column.role == "property":
            value = convert(column, text)
            if value is not None:
                row.properties[column.name] = value
        elif column.role == "id":
            if text.strip() == "":
                raise RowError(f"column {column.header!r}: the id is empty")
            row.key = node_key(text.strip(), column.space)
            if column.name:
                row.properties[column.name] = text.strip()
        elif column.role == "label":
            row.labels = tuple(label.strip() for label in text.split(ARRAY_DELIMITER) if label.strip())
        elif column.role in ("start", "end"):
            if text.strip() == "":
                raise RowError(f"column {column.header!r}: the id is empty")
            setattr(row, column.role, node_key(text.strip(), column.space))
        elif column.role == "type":
            row.type = text.strip() or None
    if row.start is not None and not (row.type or default_type):
        raise RowError("the :TYPE cell is empty")
    row.type = row.type or default_type
    return row


def read_rows(path: Path) -> tuple[list[Column], str, Iterator[tuple[int, list[str] | BadRow]]]:
    """The header's columns, the file kind and the remaining ``(row, fields)``.

    A :class:`HeaderError` carries the data rows along so that each can be rejected."""
    rows = csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise HeaderError("the file is empty: no header row") from None
    try:
        if isinstance(header, BadRow):
            raise HeaderError(str(header))
        columns = parse_header(header)
        return columns, file_kind(columns), rows
    except HeaderError as error:
        error.rows = rows
        raise
