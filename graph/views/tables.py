"""Results as a table, CSV or JSON, for the terminal and for files handed on."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pandas as pd

from graph.values import to_json_value

__all__ = ["FORMATS", "format_frame", "cell_text", "neutralize_formula"]

FORMATS = ("table", "csv", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """One cell as text: nothing for null, ISO dates, JSON for lists and maps."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(to_json_value(value), ensure_ascii=False, sort_keys=True)
    plain = to_json_value(value)
    return str(plain).lower() if isinstance(plain, bool) else str(plain)


def neutralize_formula(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (``=HYPERLINK(...)``)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    """``frame`` in one of :data:`FORMATS`."""
    records = [
        {column: row[i] for i, column in enumerate(frame.columns)} for row in frame.itertuples(index=False, name=None)
    ]
    if fmt == "json":
        return json.dumps([to_json_value(record) for record in records], ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([neutralize_formula(str(column)) for column in frame.columns])
        for record in records:
            writer.writerow([neutralize_formula(cell_text(value)) for value in record.values()])
        return buffer.getvalue().rstrip("\n")
    if fmt == "table":
        if frame.empty:
            return "(no rows)" if len(frame.columns) else "(no columns)"
        text = pd.DataFrame([{c: cell_text(v) for c, v in r.items()} for r in records], columns=frame.columns)
        return text.to_string(index=False)
    raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS}")
