"""Reading delimited text the way investigators receive it: BOMs, CRLF, Latin-1,
quoted newlines and very long fields."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["BadRow", "read_text", "csv_rows"]

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


class BadRow(ValueError):
    """A record the CSV reader could not split (a stray or unterminated quote)."""


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str] | BadRow]]:
    """``(row number, fields)`` for each record, the header being row 1; a quoted field
    may hold newlines and commas. A record that cannot be split comes as a
    :class:`BadRow` in place of its fields, and reading goes on."""
    text, _ = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        number += 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield number, BadRow(f"malformed CSV near line {reader.line_num}: {error}")
            continue
        if fields:  # blank lines carry nothing
            yield number, fields
        else:
            number -= 1
