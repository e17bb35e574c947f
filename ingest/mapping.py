"""Declarative mappings: which columns of a table make which nodes and relationships.

A mapping (YAML) turns any CSV, Excel (``.xlsx``) or JSON Lines table into graph
records, so one customs seizure row can yield a Shipment, a consignee Company, an
Address and the links between them::

    declare:                       # labels/types the model does not know (optional)
      labels: {Warehouse: {display: name}}
      relationships: [STORED_AT]
    nodes:
      - as: shipment               # the name relationships use
        label: Shipment            # or labels: [Company, ShellCompany]
        key: "SHP-{seizure_ref}"   # an id template; {column|cleaner|...} cleans first
        required: true             # an empty key rejects the row (else the node is left out)
        properties:
          name: container_no                     # a column, as a string
          shipped: {column: ship_date, type: date, format: "%d/%m/%Y"}
          hs_code: {column: hs, clean: strip}
          aliases: {column: names, type: "string[]", separator: "|"}
    relationships:
      - {type: CONSIGNED_TO, from: shipment, to: consignee, properties: {}}

Cleaners: ``name`` (legal-name key), ``phone`` (E.164), ``email``, ``domain``,
``slug``, ``lower``, ``upper``, ``strip``. JSON Lines columns may be dotted paths
(``seller.name``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.model import RESERVED, Model, ModelError, check_type
from graph.records import NodeRecord, RelationshipRecord
from graph.scalars import parse
from ingest.normalize import CLEANERS, CleaningError
from ingest.textfile import BadRow, csv_rows

__all__ = ["TableMapping", "MappingError", "load_mapping", "table_rows", "apply_mapping"]

_FIELD = re.compile(r"\{([^{}|]+)(?:\|([^{}]+))?\}")


class MappingError(ValueError):
    """A mapping file that cannot be used, naming the entry at fault."""


@dataclass(frozen=True)
class PropertyMapping:
    name: str
    column: str
    type: str = "string"
    format: str | None = None
    clean: str | None = None
    separator: str = ";"


@dataclass(frozen=True)
class NodeMapping:
    alias: str
    labels: tuple[str, ...]
    key: str
    required: bool
    properties: tuple[PropertyMapping, ...]


@dataclass(frozen=True)
class RelationshipMapping:
    type: str
    start: str
    end: str
    properties: tuple[PropertyMapping, ...]


@dataclass(frozen=True)
class TableMapping:
    """A parsed mapping: the nodes and relationships each table row yields."""

    path: Path
    nodes: tuple[NodeMapping, ...]
    relationships: tuple[RelationshipMapping, ...]
    sheet: str | None = None
    delimiter: str = ","
    columns: frozenset[str] = field(default_factory=frozenset)  # every column the mapping reads


def _property(owner: str, name: str, spec: Any) -> PropertyMapping:
    if name in RESERVED:
        raise MappingError(f"{owner}.{name}: {name!r} is kept by the store (provenance or key); map it to another name")
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or "column" not in spec:
        raise MappingError(f"{owner}.{name}: give a column name or {{column: ..., type: ...}}")
    try:
        check_type(str(spec.get("type", "string")))
    except ModelError as error:
        raise MappingError(f"{owner}.{name}: {error}") from None
    clean = spec.get("clean")
    if clean is not None and clean not in CLEANERS:
        raise MappingError(f"{owner}.{name}: unknown cleaner {clean!r}; use one of {sorted(CLEANERS)}")
    return PropertyMapping(
        name,
        str(spec["column"]),
        str(spec.get("type", "string")),
        spec.get("format"),
        clean,
        str(spec.get("separator", ";")),
    )


def load_mapping(path: str | Path, model: Model) -> TableMapping:
    """Read and check a mapping; labels and types must be known to ``model`` or declared."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise MappingError(f"{path}: cannot read the mapping ({error})") from None
    declared = raw.get("declare") or {}
    try:
        for label, spec in (declared.get("labels") or {}).items():
            model.declare_label(label, **{k: v for k, v in (spec or {}).items() if k in ("key", "display")})
        for rel_type in declared.get("relationships") or []:
            model.declare_relationship(rel_type)
    except (ModelError, TypeError) as error:
        raise MappingError(f"{path}: declare: {error}") from None
    nodes, columns = [], set()
    for index, spec in enumerate(raw.get("nodes") or []):
        owner = f"{path.name}: nodes[{index}]"
        alias = spec.get("as") or spec.get("label")
        labels = tuple(spec.get("labels") or [spec.get("label")])
        if not alias or not all(labels) or not spec.get("key"):
            raise MappingError(f"{owner}: needs label (or labels), key and as")
        for label in labels:
            try:
                model.label(label)
            except ModelError as error:
                raise MappingError(f"{owner}: {error}") from None
        props = tuple(_property(f"{owner}.properties", n, s) for n, s in (spec.get("properties") or {}).items())
        for column, chain in _FIELD.findall(str(spec["key"])):
            for cleaner in filter(None, (name.strip() for name in chain.split("|"))):
                if cleaner not in CLEANERS:
                    raise MappingError(f"{owner}: unknown cleaner {cleaner!r} in key; use one of {sorted(CLEANERS)}")
            columns.add(column.strip())
        columns.update(p.column for p in props)
        nodes.append(NodeMapping(alias, labels, str(spec["key"]), bool(spec.get("required", False)), props))
    aliases = {node.alias: node for node in nodes}
    if len(aliases) != len(nodes):
        raise MappingError(f"{path.name}: two nodes share one 'as' name")
    relationships = []
    for index, spec in enumerate(raw.get("relationships") or []):
        owner = f"{path.name}: relationships[{index}]"
        try:
            rel = model.relationship(spec.get("type"))
        except ModelError as error:
            raise MappingError(f"{owner}: {error}") from None
        start, end = aliases.get(spec.get("from")), aliases.get(spec.get("to"))
        if start is None or end is None:
            raise MappingError(f"{owner}: from and to must name nodes by their 'as' ({sorted(aliases)})")
        if not rel.allows(start.labels[0], end.labels[0]):
            raise MappingError(f"{owner}: {rel.name} may not join {start.labels[0]} to {end.labels[0]}")
        props = tuple(_property(f"{owner}.properties", n, s) for n, s in (spec.get("properties") or {}).items())
        columns.update(p.column for p in props)
        relationships.append(RelationshipMapping(rel.name, start.alias, end.alias, props))
    if not nodes:
        raise MappingError(f"{path.name}: the mapping makes no nodes")
    source = raw.get("source") or {}
    return TableMapping(
        path, tuple(nodes), tuple(relationships), source.get("sheet"), source.get("delimiter", ","), frozenset(columns)
    )


# -- reading tables ---------------------------------------------------------------------


def table_rows(path: Path, mapping: TableMapping) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """``(row number, {column: value})`` for CSV, Excel or JSON Lines; header/first line = row 1."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _excel_rows(path, mapping.sheet)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(path)
    else:
        rows = csv_rows(path, mapping.delimiter)
        header = next(rows, (1, []))[1]
        if isinstance(header, BadRow):
            raise MappingError(f"{path}: row 1 (header): {header}")
        names = [name.strip() for name in header]
        _check_columns(path, names, mapping)
        for number, fields in rows:
            if isinstance(fields, BadRow) or len(fields) != len(names):
                yield (
                    number,
                    fields
                    if isinstance(fields, BadRow)
                    else BadRow(f"expected {len(names)} fields as in the header, found {len(fields)}"),
                )
                continue
            yield number, dict(zip(names, fields, strict=True))


def _check_columns(path: Path, names: list[str], mapping: TableMapping) -> None:
    missing = sorted(mapping.columns - set(names))
    if missing:
        raise MappingError(f"{path}: missing required column {missing[0]!r} (the mapping reads it)")


def _excel_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise MappingError(f"{path}: no sheet {sheet!r} (sheets: {book.sheetnames})")
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        names = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield number, dict(zip(names, values, strict=False))
    finally:
        book.close()


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, BadRow(f"not JSON: {error.msg} at character {error.colno}")
                continue
            if not isinstance(value, dict):
                yield number, BadRow("each line must be a JSON object")
                continue
            yield number, _flatten(value)


def _flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            flat.update(_flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


# -- rows to records --------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _convert(spec: PropertyMapping, value: Any) -> Any:
    """A cell as a value of the property's type: text through the shared scalar table,
    with the mapping's own syntax first (date ``format``, thousands separators);
    spreadsheet cells that are already numbers or dates are taken as they are."""
    if spec.type.endswith("[]"):
        items = value if isinstance(value, list) else str(value).split(spec.separator)
        item_spec = PropertyMapping(spec.name, spec.column, spec.type[:-2], spec.format, spec.clean)
        return [_convert(item_spec, item) for item in items if not _empty(item)]
    if spec.clean:
        value = CLEANERS[spec.clean](str(value))
    kind = spec.type
    if not isinstance(value, str):
        native = _native(kind, value)
        if native is not None:
            return native
        value = str(value)
    text = value.strip()
    if spec.format and kind in ("date", "datetime"):
        moment = dt.datetime.strptime(text, spec.format)
        return moment.date() if kind == "date" else moment
    if kind in ("int", "float"):
        text = text.replace(",", "")  # thousands separators, as spreadsheets print them
    return parse(kind, text)


def _native(kind: str, value: Any) -> Any:
    """A spreadsheet cell already of the property's type (Excel gives numbers, dates and
    booleans), or None to read it as text."""
    if kind == "int" and isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        return int(value)
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "datetime" and isinstance(value, dt.datetime):
        return value
    return None


def _properties(specs: tuple[PropertyMapping, ...], row: Mapping[str, Any]) -> dict[str, Any]:
    props = {}
    for spec in specs:
        value = row.get(spec.column)
        if _empty(value):
            continue
        try:
            props[spec.name] = _convert(spec, value)
        except (ValueError, CleaningError) as error:
            expected = f"a {spec.type}" + (f" like {spec.format}" if spec.format else "")
            raise CleaningError(f"column {spec.column!r}: {str(value)[:80]!r} is not {expected} ({error})") from None
    return props


def _key(template: str, row: Mapping[str, Any]) -> str | None:
    """The id from a template such as ``CO-{name|slug}`` (cleaners chain: ``{addr|address|slug}``);
    None when a column is empty."""
    parts = []
    position = 0
    for match in _FIELD.finditer(template):
        value = row.get(match.group(1).strip())
        if _empty(value):
            return None
        text = str(value).strip()
        for cleaner in filter(None, (name.strip() for name in (match.group(2) or "").split("|"))):
            try:
                text = CLEANERS[cleaner](text)
            except CleaningError as error:
                raise CleaningError(f"column {match.group(1).strip()!r}: {error}") from None
        parts.append(template[position : match.start()] + text)
        position = match.end()
    return "".join(parts) + template[position:]


def apply_mapping(
    mapping: TableMapping, row: Mapping[str, Any], source: str
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """One row's nodes and relationships; a :class:`CleaningError` names the column at fault."""
    nodes: dict[str, NodeRecord] = {}
    for spec in mapping.nodes:
        key = _key(spec.key, row)
        if key is None:
            if spec.required:
                columns = ", ".join(repr(c.strip()) for c, _ in _FIELD.findall(spec.key))
                raise CleaningError(f"column {columns}: empty, and {spec.alias} needs its key")
            continue
        properties = _properties(spec.properties, row)
        nodes[spec.alias] = NodeRecord(spec.labels, key, {"id": key, **properties}, source=source)
    relationships = [
        RelationshipRecord(
            spec.type,
            nodes[spec.start].key,
            nodes[spec.end].key,
            _properties(spec.properties, row),
            start_label=nodes[spec.start].labels[0],
            end_label=nodes[spec.end].labels[0],
            source=source,
        )
        for spec in mapping.relationships
        if spec.start in nodes and spec.end in nodes
    ]
    return list(nodes.values()), relationships
