"""Reading delimited text the way investigators receive it: BOMs (UTF-8, UTF-16, UTF-32),
CRLF, Latin-1, quoted newlines and long fields; and the way a hostile source sends it:
binary data, NUL bytes, lines of hundreds of megabytes. The file is streamed, so memory
stays bounded by :data:`MAX_LINE` whatever the file's size.

Python's CSV reader costs a large load more than anything else it does in Python (a
few µs a row, holding Python's lock). A file with no quote at all, whose every line
holds the header's count of commas, is split the same way by any CSV reader: such a
file is read by Arrow's, a block of rows at a time as columns (:func:`csv_columns`)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
from pyarrow import csv as arrow_csv

__all__ = ["BadRow", "BoundedLines", "NotText", "MAX_LINE", "MAX_COLUMNS", "text_encoding", "csv_rows", "csv_columns"]

#: Characters in one line of a file; a longer line's record is rejected without being read.
MAX_LINE = 8 * 2**20
#: Fields in one record; a wider record is rejected.
MAX_COLUMNS = 100_000
_CHUNK = 2**20
TOO_LONG = f"a line longer than {MAX_LINE:,} characters"
csv.field_size_limit(MAX_LINE)
#: Byte-order marks, UTF-32 first (its little-endian mark begins with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BadRow(ValueError):
    """A record the CSV reader could not split (a stray or unterminated quote, a NUL
    byte, a line or field past the limits)."""


class NotText(ValueError):
    """A file that is not delimited text: binary data, or UTF-16 without a byte-order mark."""


def _decodes(handle: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in iter(partial(handle.read, _CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def text_encoding(path: Path) -> str:
    """The encoding to read ``path`` with: the one its byte-order mark names, else UTF-8,
    else Windows-1252, else Latin-1 (the usual encodings of spreadsheets exported in
    Europe). Read in chunks, never whole."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding
        for encoding in ("utf-8", "cp1252"):
            handle.seek(0)
            if _decodes(handle, encoding):
                return encoding
    return "latin-1"


class BoundedLines:
    """The lines of a text file for :func:`csv.reader`; a line longer than
    :data:`MAX_LINE` is skipped without being held, and ``cut`` says so."""

    def __init__(self, handle: IO[str]):
        self._handle = handle
        self.cut = False

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._handle.readline(MAX_LINE + 1)
        if not line:
            raise StopIteration
        if len(line) > MAX_LINE and not line.endswith(("\n", "\r")):
            self.cut = True
            while line and not line.endswith(("\n", "\r")):
                line = self._handle.readline(_CHUNK)
            return "\n"
        return line


def _problem(fields: list[str]) -> str | None:
    """Why a split record cannot be taken, or None."""
    too_wide = _too_wide(fields)
    if too_wide:
        return too_wide
    for position, field in enumerate(fields, start=1):
        if "\x00" in field:
            return f"column {position}: a NUL byte (binary data, not text)"
    return None


def _too_wide(fields: list[str]) -> str | None:
    return f"{len(fields):,} fields: more than {MAX_COLUMNS:,}" if len(fields) > MAX_COLUMNS else None


def _plain(path: Path) -> bool:
    """Whether the file has no NUL byte and no line longer than :data:`MAX_LINE` bytes
    (so none of as many characters): then its lines need no bounding and its fields no
    search for NUL bytes, which cost a load more than reading them. Read in chunks."""
    with open(path, "rb") as handle:
        line = 0  # bytes of the line the last chunk ended in
        for chunk in iter(partial(handle.read, _CHUNK), b""):
            if b"\x00" in chunk:
                return False
            first, ended, rest = chunk.partition(b"\n")
            line += len(first)
            if line > MAX_LINE:
                return False
            if ended:
                *inner, tail = rest.split(b"\n")
                if inner and max(map(len, inner)) > MAX_LINE:
                    return False
                line = len(tail)
    return line <= MAX_LINE


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str] | BadRow]]:
    """``(row number, fields)`` for each record, the header being row 1; a quoted field
    may hold newlines and commas. A record that cannot be taken comes as a
    :class:`BadRow` in place of its fields, and reading goes on; a :class:`NotText`
    when the first record shows the file is not text."""
    encoding = text_encoding(path)
    plain = _plain(path)
    check = _too_wide if plain else _problem
    with open(path, encoding=encoding, newline="") as handle:
        lines = BoundedLines(handle)
        reader = csv.reader(handle if plain else lines, delimiter=delimiter, strict=True)
        number = 0
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                lines.cut = False
                yield number, BadRow(f"malformed CSV near line {reader.line_num}: {error}")
                continue
            if lines.cut:
                lines.cut = False
                yield number, BadRow(f"{TOO_LONG} (near line {reader.line_num})")
                continue
            if not fields:  # blank lines carry nothing
                number -= 1
                continue
            if number == 1 and any("\x00" in field for field in fields):
                raise NotText("row 1 has NUL bytes: not a text file (binary, or UTF-16 without a byte-order mark)")
            problem = check(fields)
            yield number, BadRow(problem) if problem else fields


def _unquoted(path: Path, width: int) -> bool:
    """Whether every line of the file is empty or holds exactly ``width`` fields split by
    commas (no quote, no NUL byte, no carriage return but before a line feed, no line
    longer than :data:`MAX_LINE` bytes) and the first is not empty: then every record is
    one line, split at its commas, by Python's reader as by Arrow's. Read in chunks."""
    commas = width - 1
    carry = b""  # the line the last chunk ended in
    first = True
    with open(path, "rb") as handle:
        for chunk in iter(partial(handle.read, _CHUNK), b""):
            data = carry + chunk
            end = data.rfind(b"\n") + 1
            carry = data[end:]
            if len(carry) > MAX_LINE or not _lines_fit(data[:end], commas, first):
                return False
            first = first and not end
    return _lines_fit(carry + b"\n", commas, first) if carry else not first


def _lines_fit(lines: bytes, commas: int, first: bool) -> bool:
    """Whether each of these whole lines (each ending in a line feed) fits :func:`_unquoted`."""
    if not lines:
        return True
    if b'"' in lines or b"\x00" in lines or lines.count(b"\r") != lines.count(b"\r\n"):
        return False
    data = np.frombuffer(lines, np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    per_line = np.diff(np.searchsorted(np.flatnonzero(data == ord(",")), ends), prepend=0)
    lengths = np.diff(ends, prepend=-1) - 1 - (data[np.maximum(ends - 1, 0)] == ord("\r"))
    if first and lengths[0] == 0:
        return False
    filled = lengths > 0
    return bool(np.all(per_line[filled] == commas) and lengths.max() <= MAX_LINE)


def csv_columns(path: Path, width: int, size: int) -> Iterator[tuple[np.ndarray, list[np.ndarray]]] | None:
    """The records after the header ``size`` at a time, as their row numbers and a column
    of texts per field, when the file fits :func:`_unquoted` (and is UTF-8); else None,
    and the file is for :func:`csv_rows`. Memory is bounded by a few blocks of rows."""
    if text_encoding(path) not in ("utf-8", "utf-8-sig") or not _unquoted(path, width):
        return None
    names = [str(position) for position in range(width)]
    reader = arrow_csv.open_csv(
        path,
        read_options=arrow_csv.ReadOptions(column_names=names, skip_rows=1, block_size=_CHUNK),
        parse_options=arrow_csv.ParseOptions(quote_char=False, double_quote=False, escape_char=False),
        convert_options=arrow_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    return _batches(reader, size)


def _batches(reader: arrow_csv.CSVStreamingReader, size: int) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
    """Arrow's blocks of rows cut into ``size`` rows (the header is row 1; empty lines,
    which Arrow skips as Python's reader does, take no number)."""
    pending: list[pa.RecordBatch] = []
    held = 0
    number = 2
    for batch in chain(reader, [None]):
        if batch is not None:
            pending.append(batch)
            held += batch.num_rows
            if held < size:
                continue
        table = pa.Table.from_batches(pending, reader.schema).combine_chunks()
        start = 0
        while table.num_rows - start >= size or (batch is None and start < table.num_rows):
            part = table.slice(start, size)
            numbers = np.arange(number, number + part.num_rows, dtype=np.int64)
            yield numbers, [column.to_numpy(zero_copy_only=False) for column in part.columns]
            number += part.num_rows
            start += part.num_rows
        pending = [table.slice(start).to_batches()[0]] if start < table.num_rows else []
        held = table.num_rows - start
