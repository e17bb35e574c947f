"""Results as a table, CSV or JSON, for the terminal and for files handed on.

Direction controls in the data (a storefront named to display reversed) are shown as
``[U+202E]`` in tables and CSV (see :mod:`graph.views.text`); JSON keeps the exact
strings but writes those characters as ``\\u`` escapes, so a terminal cannot reorder it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from graph.values import to_json_value
from graph.views.text import BIDI_CONTROLS, visible

__all__ = ["FORMATS", "format_frame", "cell_text", "neutralize_formula"]

FORMATS = ("table", "csv", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})
#: What makes a CSV cell quoted: a comma, a quote, or a carriage return or newline (a
#: bare CR unquoted would end the row in a spreadsheet and start the next one with
#: whatever follows it, ``x\r=HYPERLINK(...)``).
_CSV_QUOTED = re.compile('[,"\r\n]')
#: Distinct cells of a column whose CSV text is kept for the cells repeating them.
_CSV_REMEMBERED = 10_000


def cell_text(value: Any) -> str:
    """One cell as text: nothing for null, ISO dates, JSON for lists and maps,
    direction controls visible."""
    kind = type(value)
    if kind is int:  # most cells of a long result: keys, counts, community numbers
        return str(value)
    if kind is str:
        return visible(value) if BIDI_CONTROLS.search(value) else value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (dict, list, tuple)):
        return visible(json.dumps(to_json_value(value), ensure_ascii=False, sort_keys=True))
    plain = to_json_value(value)
    return str(plain).lower() if isinstance(plain, bool) else visible(plain)


def neutralize_formula(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (``=HYPERLINK(...)``)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cell(text: str, alone: bool) -> str:
    """One CSV cell as Python's csv writes it (minimal quoting), formula neutralised: quoted
    when it holds a comma, a quote or a line break, or is empty and ``alone`` in its row."""
    cell = neutralize_formula(text)
    if _CSV_QUOTED.search(cell) or (alone and not cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _table_cell(text: str) -> str:
    """A cell on one line of a terminal table, as pandas prints it."""
    return text.translate(_ESCAPED)


def _column_texts(values: list[Any]) -> list[str]:
    """A column's cells as :func:`cell_text` writes them; a list repeated down a column
    (each node's labels) is written once: a million-row table spent most of its time on those."""
    written: dict[tuple[Any, ...], str] = {}
    texts = []
    for value in values:
        if type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
            text = written.get(key)
            if text is None:
                text = written[key] = cell_text(value)
        else:
            text = cell_text(value)
        texts.append(text)
    return texts


def _table_column(values: list[Any]) -> list[str]:
    """A column's cells for a terminal table, the escapes looked for once per column."""
    texts = _column_texts(values)
    joined = "".join(texts)
    if any(chr(escape) in joined for escape in _ESCAPED):
        return [_table_cell(text) for text in texts]
    return texts


def _csv_column(values: list[Any], alone: bool) -> list[str]:
    """A column's :func:`_csv_cell` cells, a column at a time, so that a million rows take
    seconds, not tens."""
    quoted: dict[str, str] = {}
    cells = []
    for text in _column_texts(values):
        cell = quoted.get(text)
        if cell is None:
            cell = _csv_cell(text, alone)
            if len(quoted) < _CSV_REMEMBERED:
                quoted[text] = cell
        cells.append(cell)
    return cells


def _aligned(rows: list[list[str]]) -> str:
    """Columns right-aligned to their widest cell, one space apart (pandas'
    ``to_string(index=False)`` layout, in a tenth of its time for a million rows)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(" ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows)


def _json_text(value: Any) -> str:
    text = json.dumps(to_json_value(value), ensure_ascii=False)
    return BIDI_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    """``frame`` in one of :data:`FORMATS`."""
    # a column at a time: iterating rows of Arrow-backed columns costs ten times more
    if fmt == "json":
        rows = zip(*(frame.iloc[:, i].tolist() for i in range(len(frame.columns))), strict=True)
        return _json_text([dict(zip(frame.columns, row, strict=True)) for row in rows])
    if fmt == "csv":
        alone = len(frame.columns) == 1
        header = ",".join(_csv_cell(visible(column), alone) for column in frame.columns)
        columns = [_csv_column(frame.iloc[:, i].tolist(), alone) for i in range(len(frame.columns))]
        return "\n".join([header, *(",".join(row) for row in zip(*columns, strict=True))])
    if fmt == "table":
        if frame.empty:
            return "(no rows)" if len(frame.columns) else "(no columns)"
        header = [_table_cell(visible(column)) for column in frame.columns]
        columns = [_table_column(frame.iloc[:, i].tolist()) for i in range(len(frame.columns))]
        return _aligned([header, *(list(row) for row in zip(*columns, strict=True))])
    raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS}")
