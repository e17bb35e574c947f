"""Reading delimited text the way investigators receive it: BOMs (UTF-8, UTF-16, UTF-32),
CRLF, Latin-1, quoted newlines and long fields; and the way a hostile source sends it:
binary data, NUL bytes, lines of hundreds of megabytes. The file is streamed, so memory
stays bounded by :data:`MAX_LINE` whatever the file's size."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import IO

__all__ = ["BadRow", "BoundedLines", "NotText", "MAX_LINE", "MAX_COLUMNS", "text_encoding", "csv_rows"]

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
