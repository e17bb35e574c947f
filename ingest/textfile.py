"""Reading delimited text the way investigators receive it: BOMs, CRLF, Latin-1,
quoted newlines and very long fields."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["read_text", "csv_rows"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (with or without a BOM),
    else Windows-1252/Latin-1, the usual encoding of spreadsheets exported in Europe."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """``(row number, fields)`` for each record, the header being row 1; a quoted field
    may hold newlines and commas."""
    text, _ = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    for number, fields in enumerate(reader, start=1):
        if fields:  # blank lines carry nothing
            yield number, fields
