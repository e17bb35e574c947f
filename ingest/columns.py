"""A neo4j-admin file loaded a column at a time, into a store that creates new nodes and
relationships from tables (:class:`graph.store.tables.TableWrites`: the embedded store's
bulk loader; Neo4j's Cypher over columns, two transactions at a time).

Row by row, Python spends ~95 µs on each row (parsing, records, checks, provenance). Here
each distinct cell of a typed column is converted once, by the function the row path
uses (:func:`ingest.admin_csv.convert`), so a value means the same on both paths. The
rows every column takes, whose key or relationship is new in the file, go to the store
as tables; every other row (a bad cell, a repeated key, a parallel relationship, a key
the store already holds...) goes through the row path, whose rejects name its file,
row and column, and whose upserts merge. What must be known across chunks (keys seen,
relationships met) is shared with the row path, in its terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graph.store.tables import NodeTable, RelationshipTable, TableWrites
from graph.values import PropertyError, check_value
from ingest.admin_csv import Column, FileKind, RowError, convert, node_key, parse_row
from ingest.textfile import BadRow, csv_columns

if TYPE_CHECKING:
    from ingest.loader import _FileLoad

__all__ = ["ColumnChunk", "column_chunks", "takes_columns"]

#: Kinds the store's tables hold; a row with a value of another kind (a list, a time)
#: goes through the row path.
_TABLE_KINDS = ("string", "int", "float", "boolean", "date")


def takes_columns(load: _FileLoad) -> bool:
    """Whether ``load``'s file can go a column at a time: a table store, and for nodes on
    a store that keys its tables' nodes by id, an ``id:ID`` column and a ``name`` column."""
    if not isinstance(load.store, TableWrites):
        return False
    if load.report.kind == FileKind.RELATIONSHIPS or not load.store.node_tables_need_id_and_name:
        return True
    ids = [column for column in load.columns if column.role == "id"]
    return ids[0].name == "id" and ids[0].space is None and "name" in load.properties


def column_chunks(load: _FileLoad, rows: Iterator, size: int) -> Iterator[ColumnChunk]:
    """The file's rows ``size`` at a time, each counted as read: as Arrow splits them into
    columns when it splits them as Python's reader would (:func:`csv_columns`), else from
    ``rows``, where a row the reader could not split is rejected with its reason, as on
    the row path."""
    report = load.report
    columns = csv_columns(report.path, len(load.columns), size)
    if columns is not None:
        for numbers, cells in columns:
            report.read += len(numbers)
            yield ColumnChunk(load, numbers, cells)
        return
    chunk: list[tuple[int, list[str]]] = []
    for number, fields in rows:
        report.read += 1
        if isinstance(fields, BadRow):
            report.reject(number, str(fields))
            continue
        chunk.append((number, fields))
        if len(chunk) == size:
            yield _from_rows(load, chunk)
            chunk = []
    if chunk:
        yield _from_rows(load, chunk)


def _from_rows(load: _FileLoad, rows: list[tuple[int, list[str]]]) -> ColumnChunk:
    """A chunk of split rows; those of another width than the header's are the row path's
    (which names the count)."""
    width = len(load.columns)
    fitting = [row for row in rows if len(row[1]) == width]
    fields = [row[1] for row in fitting]
    numbers = np.fromiter((row[0] for row in fitting), np.int64, len(fitting))
    cells = [np.array(list(map(itemgetter(i), fields)), dtype=object) for i in range(width)]
    return ColumnChunk(load, numbers, cells, [row for row in rows if len(row[1]) != width])


class ColumnChunk:
    """One chunk: its cells converted a column at a time where it is read (no state), and
    written by the writer (which holds what is known across chunks)."""

    def __init__(
        self,
        load: _FileLoad,
        numbers: np.ndarray,
        cells: list[np.ndarray],
        odd: list[tuple[int, list[str]]] | None = None,
    ):
        """``numbers``: the rows' numbers; ``cells``: a column of texts per field; ``odd``:
        rows of another width, for the row path."""
        self.load = load
        self.numbers = numbers
        self.cells = cells
        self.odd = odd or []
        self.ok = np.ones(len(numbers), bool)
        self.values: dict[str, tuple[str, np.ndarray]] = {}
        for column, column_cells in zip(load.columns, self.cells, strict=True):
            if column.role == "property":
                kind, values, ok = _property(column, column_cells)
                self.values[column.name] = (kind, values)
                self.ok &= ok
        if load.report.kind == FileKind.NODES:
            self.keys = self._key(next(c for c in load.columns if c.role == "id"))
        else:
            self.starts = self._key(next(c for c in load.columns if c.role == "start"))
            self.ends = self._key(next(c for c in load.columns if c.role == "end"))

    def __len__(self) -> int:
        return len(self.numbers)

    def _key(self, column: Column) -> np.ndarray:
        """A key column's keys (``None`` where empty: the row path rejects those); a named
        ``:ID`` column is also the ``id`` property."""
        stripped = np.array(list(map(str.strip, self.cells[self.load.columns.index(column)])), dtype=object)
        empty = stripped == ""
        self.ok &= ~empty
        if column.role == "id" and column.name:
            self.values[column.name] = ("string", np.where(empty, None, stripped))
        if column.space:
            return np.array([node_key(key, column.space) for key in stripped], dtype=object)
        return stripped

    def _column(self, role: str) -> np.ndarray:
        return self.cells[next(i for i, c in enumerate(self.load.columns) if c.role == role)]

    def write(self) -> None:
        """Write the chunk: the rows every column took as tables, the others (and those
        the store did not take) through the row path."""
        _parsed(self.load, self.odd, reject=True)
        if self.load.report.kind == FileKind.NODES:
            rest = self._write_nodes()
        else:
            rest = self._write_relationships()
        rows = [(int(self.numbers[i]), [cells[i] for cells in self.cells]) for i in np.flatnonzero(rest)]
        self.load.write(_parsed(self.load, rows, reject=True))

    def _write_nodes(self) -> np.ndarray:
        load, ok = self.load, self.ok
        declare = partial(load.store.model.declare_label, display=_display(load.properties))
        label_sets: dict[str, tuple[str, ...] | None] = {}
        for cell in pd.unique(self._column("label")):
            labels = tuple(label.strip() for label in cell.split(";") if label.strip())
            named = labels and not any(load._name_problem(label, "label", declare) for label in labels)
            label_sets[cell] = labels if named else None
        label_cells = self._column("label")
        ok &= np.fromiter((label_sets[cell] is not None for cell in label_cells), bool, len(label_cells))
        keys = pd.Index(self.keys, dtype=object)
        ok &= ~keys.duplicated(keep=False) & ~keys.isin(list(set(self.keys[~ok])))
        if not load.seen.keys().isdisjoint(self.keys):
            ok &= np.fromiter((key not in load.seen for key in self.keys), bool, len(self.keys))
        taken = np.zeros(len(ok), bool)
        for cell in pd.unique(label_cells[ok]):
            rows = np.flatnonzero(ok & (label_cells == cell))
            labels = label_sets[cell]
            table = NodeTable(labels, self.keys[rows], self._sources(rows), self._properties(rows))
            result = load.store.create_node_table(table)
            chosen = rows[result.taken]
            taken[chosen] = True
            load.report.created += result.created
            names = [self.values[name][1][chosen] for name in load.properties]
            rows_values = zip(*names, strict=True) if names else [()] * len(chosen)  # a file of keys and labels only
            load.seen.update(zip(self.keys[chosen], (hash((labels, values)) for values in rows_values), strict=True))
            load.key_labels.update(dict.fromkeys(self.keys[chosen], labels[0]))
        return ~taken

    def _write_relationships(self) -> np.ndarray:
        load, ok = self.load, self.ok
        codes, cells = pd.factorize(self._column("type"))
        types = np.empty(len(cells), dtype=object)
        for position, cell in enumerate(cells):
            name = cell.strip()
            problem = not name or load._name_problem(name, "relationship type", load.store.model.declare_relationship)
            types[position] = None if problem else name
        rel_types = types[codes]
        ok &= pd.notna(rel_types)
        digests = pd.Index(list(map(hash, zip(self.starts, rel_types, self.ends, strict=True))))
        ok &= ~digests.duplicated(keep=False) & ~digests.isin(list(set(digests[~ok])))
        if not load.pairs.isdisjoint(digests):
            ok &= np.fromiter((digest not in load.pairs for digest in digests), bool, len(digests))
        start_labels = np.array(list(map(load.key_labels.get, self.starts)), dtype=object)
        end_labels = np.array(list(map(load.key_labels.get, self.ends)), dtype=object)
        ok &= pd.notna(start_labels) & pd.notna(end_labels)
        taken = np.zeros(len(ok), bool)
        for (rel_type, start, end), rows in _groups(np.flatnonzero(ok), rel_types, start_labels, end_labels):
            table = RelationshipTable(
                rel_type, start, end, self.starts[rows], self.ends[rows], self._sources(rows), self._properties(rows)
            )
            result = load.store.create_relationship_table(table)
            chosen = rows[result.taken]
            taken[chosen] = True
            load.report.created += result.created
            load.report.updated += result.updated
            load.pairs.update(digests[chosen].tolist())
        return ~taken

    def _sources(self, rows: np.ndarray) -> np.ndarray:
        name = self.load.name
        return np.array([f"{name}:{number}" for number in self.numbers[rows].tolist()], dtype=object)

    def _properties(self, rows: np.ndarray) -> dict[str, tuple[str, Any]]:
        return {name: (kind, _typed(kind, values[rows])) for name, (kind, values) in self.values.items()}


def _groups(rows: np.ndarray, *columns: np.ndarray) -> Iterator[tuple[tuple[Any, ...], np.ndarray]]:
    """``rows`` grouped by their values in ``columns``, each group with those values
    (a few groups: the codes of the columns are combined, not the values)."""
    combined = np.zeros(len(rows), np.int64)
    for column in columns:
        codes, distinct = pd.factorize(column[rows])
        combined = combined * len(distinct) + codes
    groups = pd.factorize(combined)[0]
    for group in range(groups.max() + 1 if len(groups) else 0):
        members = rows[groups == group]
        yield tuple(column[members[0]] for column in columns), members


def _display(properties: list[str]) -> str:
    from ingest.loader import _display as display  # the loader imports this module

    return display(properties)


def _parsed(load: _FileLoad, rows: list[tuple[int, list[str]]], *, reject: bool = False) -> list:
    """``rows`` parsed as the row path parses them; when ``reject``, those that do not
    parse are rejected with its reason (else only left out)."""
    parsed = []
    for number, fields in rows:
        try:
            parsed.append((parse_row(load.columns, number, fields), fields))
        except RowError as error:
            if reject:
                load.report.reject(number, str(error), fields)
    return parsed


def _property(column: Column, cells: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """A property column's Python values (``None`` where empty) and which rows a table can
    take; each distinct cell is converted once, as the row path converts it."""
    if column.type == "string" and not column.array:
        return "string", np.where(cells == "", None, cells), np.ones(len(cells), bool)
    codes, distinct = pd.factorize(cells)
    values = np.empty(len(distinct), dtype=object)
    fits = np.zeros(len(distinct), bool)
    for position, text in enumerate(distinct):
        try:
            value = convert(column, text)
            if value is not None:
                check_value(column.name, value)
        except (RowError, PropertyError):  # the row path rejects it, naming the column
            continue
        values[position] = value
        fits[position] = value is None or (column.type in _TABLE_KINDS and not column.array)
    kind = column.type if column.type in _TABLE_KINDS and not column.array else "string"
    return kind, values[codes], fits[codes]


_DTYPES = {"int": "Int64", "float": "Float64", "boolean": "boolean"}


def _typed(kind: str, values: np.ndarray) -> Any:
    """Python values as the column a table holds."""
    dtype = _DTYPES.get(kind)
    return pd.array(values, dtype=dtype) if dtype else values
