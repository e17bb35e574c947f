"""Declarative mappings: which columns of a table make which nodes and relationships.

A mapping (YAML) turns any CSV, Excel (``.xlsx``) or JSON Lines table into graph
records, so one customs seizure row can yield a Shipment, a consignee Company, an
Address and the links between them::

    declare:                       # labels/types the model does not know (optional)
      labels:                      # as in model.yaml: key, display, events, role, evidence, resolvable
        Warehouse: {display: name, events: {opened: start}, resolvable: {compare: {city: fuzzy}}}
      relationships: {STORED_AT: {from: Shipment, to: Warehouse}, HAS_PHONE: {from: [Warehouse]}}
    defaults: {country: NL, phone_region: NL, source: "customs 2024"}   # also per node/relationship
    nodes:
      - as: shipment               # the name relationships use
        label: Shipment            # or labels: [Company, ShellCompany]
        key: "SHP-{seizure_ref}"   # an id template; {column|cleaner|...} cleans first
        required: true             # an empty key rejects the row (else the node is left out)
        defaults: {country: BE}    # this block's own
        properties:
          name: container_no                     # a column, as a string
          label: "{brand} {model_no}"            # a template: several columns ({{ and }}: braces)
          shipped: {column: ship_date, type: date, format: "%d/%m/%Y"}
          hs_code: {column: hs, clean: strip}
          aliases: {column: names, type: "string[]", separator: "|"}
    relationships:
      - {type: CONSIGNED_TO, from: shipment, to: consignee, properties: {}}

Cleaners: ``name`` (legal-name key), ``phone`` (E.164), ``email``, ``domain``,
``slug``, ``lower``, ``upper``, ``strip``. JSON Lines columns may be dotted paths
(``seller.name``). Keys and properties share one template syntax (:mod:`ingest.templates`):
an empty cell leaves a property's placeholder empty, but leaves a node without its key.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from graph.model import (
    INTERNAL_PREFIX,
    RESERVED,
    Model,
    ModelError,
    RelationshipSpec,
    check_identifier,
    check_type,
)
from graph.records import NodeRecord, RelationshipRecord
from graph.scalars import parse
from graph.workspace import LEGACY_RECORD_LABELS
from ingest.normalize import CLEANERS, CleaningError, country
from ingest.templates import CellError, Template, TemplateError, clean, is_template, parse_template
from ingest.textfile import TOO_LONG, BadRow, BoundedLines, csv_rows

__all__ = ["TableMapping", "MappingError", "check_data_name", "load_mapping", "table_rows", "apply_mapping"]


class MappingError(ValueError):
    """A mapping file that cannot be used, naming the entry at fault."""


def check_data_name(name: str, what: str) -> str:
    """A label or relationship type a data file brings, refused when it is one of the
    tool's own: the store's ``_kg_`` names, or a label under which earlier versions kept
    the tool's records (a file could otherwise forge loads or judgements)."""
    if str(name).startswith(INTERNAL_PREFIX) or name in LEGACY_RECORD_LABELS:
        raise ModelError(f"{what} {str(name)[:80]!r} is kept for the tool's own records; rename it in the data")
    return name


@dataclass(frozen=True)
class PropertyMapping:
    name: str
    column: str  # the column, or the template's text
    type: str = "string"
    format: str | None = None
    clean: str | None = None
    separator: str = ";"
    template: Template | None = None  # a value built from several columns
    region: str | None = None  # the phone region its ``phone`` cleaner reads numbers with

    @property
    def columns(self) -> tuple[str, ...]:
        return self.template.columns if self.template else (self.column,)

    def cell(self, row: Mapping[str, Any]) -> Any:
        """The row's value for this property, before typing: its column's cell, or the template filled."""
        return self.template.value(row) if self.template else row.get(self.column)

    def where(self) -> str:
        """Where its value comes from, as an error message names it."""
        if self.template is None:
            return f"column {self.column!r}"
        return f"property {self.name!r} ({self.column})"


@dataclass(frozen=True)
class NodeMapping:
    alias: str
    labels: tuple[str, ...]
    key: Template
    required: bool
    properties: tuple[PropertyMapping, ...]
    country: str | None = None  # the country its nodes are in where the row names none
    source: str | None = None  # the source its rows come from, named in their provenance


@dataclass(frozen=True)
class RelationshipMapping:
    type: str
    start: str
    end: str
    properties: tuple[PropertyMapping, ...]
    source: str | None = None


#: What ``defaults:`` may say, at the top of a mapping or in a node or relationship block.
COUNTRY, PHONE_REGION, SOURCE = "country", "phone_region", "source"


@dataclass(frozen=True)
class Defaults:
    """What a file (or a block of it) leaves unsaid in its rows: the country its nodes
    are in, the region its phone numbers are dialled from, the name of its source."""

    country: str | None = None
    phone_region: str | None = None
    source: str | None = None


def check_region(value: object, what: str) -> str:
    """A phone region (ISO 3166 alpha-2, such as ``US``), upper-cased, or a
    :class:`MappingError` naming ``what`` gave it."""
    region = str(value).strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise MappingError(f"{what}: {str(value)[:40]!r} is not a phone region (ISO 3166 alpha-2, such as US or GB)")
    return region


def _country(value: str, what: str) -> str:
    """A default country as its ISO 3166 code (``Deutschland`` -> ``DE``), as the model's countries are written."""
    try:
        return country(value)
    except CleaningError as error:
        raise MappingError(f"{what}: {error}") from None


def _defaults(
    value: Any, owner: str, outer: Defaults, allowed: tuple[str, ...] = (COUNTRY, PHONE_REGION, SOURCE)
) -> Defaults:
    """``defaults:`` as written in ``owner``, over the defaults around it (the file's, the command line's)."""
    given = _entry(value, owner)
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise MappingError(f"{owner}: unknown default {unknown[0]!r}; use {', '.join(allowed)}")
    for name in (COUNTRY, SOURCE):
        if name in given and (not isinstance(given[name], str) or not given[name].strip()):
            raise MappingError(
                f"{owner}.{name}: give it as text, such as {'US' if name == COUNTRY else 'customs 2024'!r}"
            )
    region = given.get(PHONE_REGION)
    return Defaults(
        _country(given[COUNTRY], f"{owner}.{COUNTRY}") if COUNTRY in given else outer.country,
        check_region(region, f"{owner}.{PHONE_REGION}") if region is not None else outer.phone_region,
        given[SOURCE].strip() if SOURCE in given else outer.source,
    )


@dataclass(frozen=True)
class TableMapping:
    """A parsed mapping: the nodes and relationships each table row yields."""

    path: Path
    nodes: tuple[NodeMapping, ...]
    relationships: tuple[RelationshipMapping, ...]
    sheet: str | None = None
    delimiter: str = ","
    columns: Mapping[str, str] = field(default_factory=dict)  # every column the mapping reads -> what reads it
    key_columns: frozenset[str] = field(default_factory=frozenset)  # the columns its id templates read


def _property(owner: str, name: str, spec: Any, region: str | None = None) -> PropertyMapping:
    if name in RESERVED:
        raise MappingError(f"{owner}.{name}: {name!r} is kept by the store (provenance or key); map it to another name")
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or "column" not in spec:
        raise MappingError(f"{owner}.{name}: give a column name, a template or {{column: ..., type: ...}}")
    try:
        check_type(str(spec.get("type", "string")))
    except ModelError as error:
        raise MappingError(f"{owner}.{name}: {error}") from None
    cleaner = spec.get("clean")
    if cleaner is not None and cleaner not in CLEANERS:
        raise MappingError(f"{owner}.{name}: unknown cleaner {cleaner!r}; use one of {sorted(CLEANERS)}")
    column = str(spec["column"])
    return PropertyMapping(
        name,
        column,
        str(spec.get("type", "string")),
        spec.get("format"),
        cleaner,
        str(spec.get("separator", ";")),
        _template(f"{owner}.{name}", column, region) if is_template(column) else None,
        region,
    )


def _template(owner: str, text: str, region: str | None) -> Template:
    try:
        return parse_template(text, region)
    except TemplateError as error:
        raise MappingError(f"{owner}: {text!r}: {error}") from None


class _NoAliasLoader(yaml.SafeLoader):
    """``safe_load``'s loader (no arbitrary objects) without aliases: an alias bomb (a
    billion laughs) would expand in memory and in any message that quotes the value."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases such as *{event.anchor} are not allowed in a mapping", event.start_mark
            )
        return super().compose_node(parent, index)


#: Bytes in a mapping file: a mapping is a page of YAML.
MAX_MAPPING_BYTES = 2**20


def _read_yaml(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise MappingError(f"{path}: a mapping of more than {MAX_MAPPING_BYTES:,} bytes is not a mapping")
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise MappingError(f"{path}: cannot read the mapping ({error})") from None


def _entry(value: Any, owner: str) -> dict[str, Any]:
    """A YAML mapping entry (absent = empty), or a :class:`MappingError` naming it."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{owner}: expected a YAML mapping (key: value lines), found {type(value).__name__}")
    return value


def _plain(name: object) -> bool:
    """Whether ``name`` may be a property a label declares (an ASCII identifier)."""
    try:
        check_identifier(str(name), "property")
    except ModelError:
        return False
    return True


def _mapped_types(nodes: Any, label: str) -> dict[str, str]:
    """The types the mapping gives ``label``'s properties: the properties the label is
    declared with, which its event dates and resolution's comparisons must name. A name
    that is no plain identifier stays a property of the nodes, not of the label."""
    types: dict[str, str] = {}
    for spec in nodes if isinstance(nodes, list) else []:
        if isinstance(spec, dict) and label in (spec.get("labels") or [spec.get("label")]):
            for name, prop in _entry(spec.get("properties"), label).items():
                if _plain(name) and name not in RESERVED:
                    types[str(name)] = str(prop.get("type", "string")) if isinstance(prop, dict) else "string"
    return types


def load_mapping(path: str | Path, model: Model, *, phone_region: str | None = None) -> TableMapping:
    """Read and check a mapping; labels and types must be known to ``model`` or declared.
    ``phone_region`` reads phones written without ``+`` where the mapping names no region."""
    path = Path(path)
    raw = _entry(_read_yaml(path), path.name)
    _declare(raw, path, model)
    defaults = _defaults(raw.get("defaults"), f"{path.name}: defaults", Defaults(phone_region=phone_region))
    readers: dict[str, str] = {}
    nodes = [
        _node(_entry(spec, f"{path.name}: nodes[{index}]"), f"{path.name}: nodes[{index}]", model, defaults, readers)
        for index, spec in enumerate(raw.get("nodes") or [])
    ]
    if not nodes:
        raise MappingError(f"{path.name}: the mapping makes no nodes")
    aliases = {node.alias: node for node in nodes}
    if len(aliases) != len(nodes):
        raise MappingError(f"{path.name}: two nodes share one 'as' name")
    relationships = []
    for index, spec in enumerate(raw.get("relationships") or []):
        owner = f"{path.name}: relationships[{index}]"
        relationships.append(_relationship(_entry(spec, owner), owner, model, aliases, defaults, readers))
    source = _entry(raw.get("source"), f"{path.name}: source")
    delimiter = source.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(f"{path.name}: source.delimiter: one character, such as ',' or ';'")
    return TableMapping(
        path,
        tuple(nodes),
        tuple(relationships),
        source.get("sheet"),
        delimiter,
        readers,
        frozenset(column for node in nodes for column in node.key.columns),
    )


#: What a mapping may say of a label it declares (as ``model.yaml`` says of its own).
LABEL_SETTINGS = ("key", "display", "description", "role", "evidence", "resolvable", "events")


def _declare(raw: dict[str, Any], path: Path, model: Model) -> None:
    """Declare in ``model`` the labels and relationship types the mapping brings."""
    declared = _entry(raw.get("declare"), f"{path.name}: declare")
    try:
        for label, spec in _entry(declared.get("labels"), f"{path.name}: declare.labels").items():
            spec = _entry(spec, f"{path.name}: declare.labels.{label}")
            unknown = sorted(set(spec) - set(LABEL_SETTINGS))
            if unknown:
                raise ModelError(f"label {label}: unknown setting {unknown[0]!r}; use {', '.join(LABEL_SETTINGS)}")
            check_data_name(label, "label")
            _entry(spec.get("events"), f"{path.name}: declare.labels.{label}.events")
            model.declare_label(label, **spec, properties=_mapped_types(raw.get("nodes"), label))
        _declare_relationships(declared.get("relationships"), model)
    except (ModelError, TypeError) as error:
        raise MappingError(f"{path}: declare: {error}") from None


def _declare_relationships(value: Any, model: Model) -> None:
    """``declare.relationships``: a list of new types (joining any labels), or a mapping of
    types to their ``from``/``to`` labels: a new type joins those; a type the model knows
    also joins them, if the labels are ones a dataset declared."""
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        value = dict.fromkeys(value)
    if not isinstance(value, dict | None):
        raise ModelError(
            "relationships: a list of type names, or each type with its ends: {TYPE: {from: [...], to: [...]}}"
        )
    for rel_type, ends in (value or {}).items():
        check_data_name(rel_type, "relationship type")
        if not isinstance(ends, dict | None):
            raise ModelError(f"relationship {rel_type}: give its ends as {{from: [...], to: [...]}}")
        ends = ends or {}
        unknown = sorted(set(ends) - {"from", "to"})
        if unknown:
            raise ModelError(f"relationship {rel_type}: unknown setting {unknown[0]!r}; use from and to")
        sources, targets = (_labels(ends.get(end), model, f"relationship {rel_type}.{end}") for end in ("from", "to"))
        if rel_type in model.relationships:
            model.widen_relationship(rel_type, sources=sources, targets=targets)
        else:
            model.declare_relationship(rel_type, sources=sources, targets=targets)


def _labels(value: Any, model: Model, owner: str) -> list[str]:
    """A relationship end's labels (one, or a list), each known to ``model``."""
    names = [value] if isinstance(value, str) else list(value or [])
    for name in names:
        try:
            model.label(name)
        except ModelError as error:
            raise ModelError(f"{owner}: {error}") from None
    return names


def _node(spec: dict[str, Any], owner: str, model: Model, outer: Defaults, readers: dict[str, str]) -> NodeMapping:
    alias = spec.get("as") or spec.get("label")
    labels = tuple(spec.get("labels") or [spec.get("label")])
    if not alias or not all(labels) or not spec.get("key"):
        raise MappingError(f"{owner}: needs label (or labels), key and as")
    for label in labels:
        try:
            model.label(check_data_name(label, "label"))
        except ModelError as error:
            raise MappingError(f"{owner}: {error}") from None
    defaults = _defaults(spec.get("defaults"), f"{owner}.defaults", outer)
    props = _properties_of(spec, owner, defaults.phone_region)
    key = _template(f"{owner}.key", str(spec["key"]), defaults.phone_region)
    _read_by(readers, key.columns, f"{alias}.key")
    for prop in props:
        _read_by(readers, prop.columns, f"{alias}.{prop.name}")
    has_country = (
        COUNTRY in _entry(spec.get("defaults"), owner)
        or any(prop.name == COUNTRY for prop in props)
        or any(COUNTRY in model.label(label).properties for label in labels)
    )
    filled = defaults.country if has_country else None
    return NodeMapping(alias, labels, key, bool(spec.get("required", False)), props, filled, defaults.source)


def _relationship(
    spec: dict[str, Any],
    owner: str,
    model: Model,
    aliases: Mapping[str, NodeMapping],
    outer: Defaults,
    readers: dict[str, str],
) -> RelationshipMapping:
    try:
        rel = model.relationship(check_data_name(spec.get("type"), "relationship type"))
    except ModelError as error:
        raise MappingError(f"{owner}: {error}") from None
    start, end = aliases.get(spec.get("from")), aliases.get(spec.get("to"))
    if start is None or end is None:
        raise MappingError(f"{owner}: from and to must name nodes by their 'as' ({sorted(aliases)})")
    if not rel.allows(start.labels[0], end.labels[0]):
        raise MappingError(f"{owner}: {_refused(rel, start.labels[0], end.labels[0], model)}")
    defaults = _defaults(spec.get("defaults"), f"{owner}.defaults", outer, (PHONE_REGION, SOURCE))
    props = _properties_of(spec, owner, defaults.phone_region)
    for prop in props:
        _read_by(readers, prop.columns, f"{rel.name} {start.alias}->{end.alias}.{prop.name}")
    return RelationshipMapping(rel.name, start.alias, end.alias, props, defaults.source)


def _refused(rel: RelationshipSpec, source: str, target: str, model: Model) -> str:
    """Why ``rel`` may not join ``source`` to ``target``, and how a mapping may allow it."""
    ends = {"from": (rel.sources, source), "to": (rel.targets, target)}
    missing = {end: label for end, (allowed, label) in ends.items() if allowed is not None and label not in allowed}
    said = ", ".join(f"{end} {sorted(ends[end][0] or ())}" for end in missing)
    message = f"{rel.name} may not join {source} to {target} (it joins {said})"
    if all(model.label(label).declared for label in missing.values()):
        widen = ", ".join(f"{end}: [{label}]" for end, label in missing.items())
        message += f"; to allow it, write under declare: relationships: {{{rel.name}: {{{widen}}}}}"
    return message


def _properties_of(spec: dict[str, Any], owner: str, region: str | None) -> tuple[PropertyMapping, ...]:
    properties = _entry(spec.get("properties"), f"{owner}.properties")
    return tuple(_property(f"{owner}.properties", name, value, region) for name, value in properties.items())


def _read_by(readers: dict[str, str], columns: tuple[str, ...], reader: str) -> None:
    """Note which entry reads each column (the first one), for a missing column's message."""
    for column in columns:
        readers.setdefault(column, reader)


# -- reading tables ---------------------------------------------------------------------


def table_rows(path: Path, mapping: TableMapping) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """``(row number, {column: value})`` for CSV, Excel or JSON Lines; header/first line = row 1."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _excel_rows(path, mapping.sheet, mapping)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(path, mapping)
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
    """Every column the mapping reads is in the header, checked before any row is read."""
    missing = sorted(set(mapping.columns) - set(names))
    if missing:
        column = missing[0]
        raise MappingError(
            f"{path}: missing required column {column!r} "
            f"(the mapping {mapping.path.name} reads it for {mapping.columns[column]})"
        )


#: Uncompressed bytes in an ``.xlsx``, read from its zip directory before it is opened:
#: a zip bomb is refused unopened.
MAX_XLSX_BYTES = 200 * 2**20
#: Levels of objects within objects in one JSON Lines row.
MAX_DEPTH = 32


def _check_workbook(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise MappingError(f"{path}: not an Excel workbook ({error})") from None
    if size > MAX_XLSX_BYTES:
        raise MappingError(f"{path}: the workbook unpacks to {size:,} bytes, more than {MAX_XLSX_BYTES:,}")


def _excel_rows(path: Path, sheet: str | None, mapping: TableMapping) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    _check_workbook(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise MappingError(f"{path}: not a readable Excel workbook ({type(error).__name__}: {error})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise MappingError(f"{path}: no sheet {sheet!r} (sheets: {book.sheetnames})")
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        names = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        _check_columns(path, names, mapping)
        for number, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield number, dict(zip(names, values, strict=False))
    except MappingError:
        raise
    except Exception as error:  # a sheet that breaks openpyxl halfway: nothing of the file is written
        raise MappingError(f"{path}: not a readable Excel workbook ({type(error).__name__}: {error})") from None
    finally:
        book.close()


def _jsonl_rows(path: Path, mapping: TableMapping) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """Rows of a JSON Lines file; a line that is not UTF-8, not JSON, too long or too
    deep is a :class:`BadRow`. A column an id template reads that no row has is an
    error (a line may leave out a property, never every line a key)."""
    seen: set[str] = set()
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as handle:
        lines = BoundedLines(handle)
        for number, line in enumerate(lines, start=1):
            row = _json_row(line, lines)
            if isinstance(row, dict):
                seen.update(row)
            if row is not None:
                yield number, row
    missing = sorted(mapping.key_columns - seen)
    if missing:
        raise MappingError(f"{path}: no row has the column {missing[0]!r} (the mapping's id templates read it)")


def _json_row(line: str, lines: BoundedLines) -> dict[str, Any] | BadRow | None:
    """One JSON Lines row, flattened; None for a blank line."""
    if lines.cut:
        lines.cut = False
        return BadRow(TOO_LONG)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as error:
        return BadRow(f"not UTF-8 text (character {error.start + 1}); JSON Lines must be UTF-8")
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return BadRow(f"not JSON: {error.msg} at character {error.colno}")
    except (ValueError, RecursionError) as error:
        return BadRow(f"not JSON this loader can read: {str(error)[:120]}")
    if not isinstance(value, dict):
        return BadRow("each line must be a JSON object")
    try:
        return _flatten(value)
    except _TooDeep:
        return BadRow(f"objects nested more than {MAX_DEPTH} levels deep")


class _TooDeep(ValueError):
    """A JSON object nested past :data:`MAX_DEPTH`."""


def _flatten(value: Mapping[str, Any], prefix: str = "", depth: int = 1) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise _TooDeep(prefix)
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            flat.update(_flatten(item, f"{name}.", depth + 1))
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
        item_spec = PropertyMapping(spec.name, spec.column, spec.type[:-2], spec.format, spec.clean, region=spec.region)
        return [_convert(item_spec, item) for item in items if not _empty(item)]
    if spec.clean:
        value = clean(spec.clean, str(value), spec.region)
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
    booleans), or None to read it as text. JSON's ``1e309`` and ``NaN`` are no number."""
    if kind in ("int", "float") and isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
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


def _fault(problems: list[CellError] | None, error: CellError) -> None:
    """A cell that cannot give its value: raised (a load rejects the row at its first
    one), or kept in ``problems`` (a check names every one)."""
    if problems is None:
        raise error
    problems.append(error)


def _properties(
    specs: tuple[PropertyMapping, ...], row: Mapping[str, Any], problems: list[CellError] | None
) -> dict[str, Any]:
    props = {}
    for spec in specs:
        try:
            value = spec.cell(row)
        except CellError as error:
            _fault(problems, error)
            continue
        if _empty(value):
            continue
        try:
            props[spec.name] = _convert(spec, value)
        except (ValueError, CleaningError) as error:
            expected = f"a {spec.type}" + (f" like {spec.format}" if spec.format else "")
            reason = f"{str(value)[:80]!r} is not {expected} ({error})"
            _fault(problems, CellError(spec.where(), ", ".join(spec.columns), reason))
    return props


def _named(name: str | None, source: str) -> str:
    """A row's provenance (``file:row``), after the name of its source when the mapping gives one."""
    return f"{name}: {source}" if name else source


def apply_mapping(
    mapping: TableMapping, row: Mapping[str, Any], source: str, *, problems: list[CellError] | None = None
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """One row's nodes and relationships. A :class:`CellError` names the column at fault;
    with ``problems``, every cell at fault is kept there instead, and the row's records
    are made without them."""
    nodes: dict[str, NodeRecord] = {}
    for spec in mapping.nodes:
        try:
            key = spec.key.key(row)
        except CellError as error:
            _fault(problems, error)
            continue
        if key is None:
            if spec.required:
                columns = ", ".join(map(repr, spec.key.columns))
                reason = f"empty, and {spec.alias} needs its key"
                _fault(problems, CellError(f"column {columns}", ", ".join(spec.key.columns), reason))
            continue
        properties = _properties(spec.properties, row, problems)
        if spec.country and _empty(properties.get(COUNTRY)):
            properties[COUNTRY] = spec.country
        nodes[spec.alias] = NodeRecord(spec.labels, key, {"id": key, **properties}, source=_named(spec.source, source))
    relationships = [
        RelationshipRecord(
            spec.type,
            nodes[spec.start].key,
            nodes[spec.end].key,
            _properties(spec.properties, row, problems),
            start_label=nodes[spec.start].labels[0],
            end_label=nodes[spec.end].labels[0],
            source=_named(spec.source, source),
        )
        for spec in mapping.relationships
        if spec.start in nodes and spec.end in nodes
    ]
    return list(nodes.values()), relationships
