"""Templates that build one value from several columns of a row.

A mapping writes ``name: "{first_name} {last_name}"`` for a property and
``key: "BANK-{bank_id}|{bank_name|slug}"`` for a node's key: ``{column}`` is a cell,
``{column|cleaner|...}`` the cell cleaned first, ``{{`` and ``}}`` are literal braces.

A property may be partly empty (a person without a middle name), so an empty cell leaves
its placeholder empty and the spaces around it collapse; a template whose cells are all
empty gives no value. A key is all or nothing: a key missing one of its cells would join
rows that have nothing in common, so it gives no key at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.normalize import CLEANERS, CleaningError, phone

__all__ = ["CellError", "Placeholder", "Template", "TemplateError", "clean", "is_template", "parse_template"]

_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class TemplateError(ValueError):
    """A template that cannot be read (a lone brace, an empty placeholder, an unknown cleaner)."""


class CellError(CleaningError):
    """A cell (or a template's cells) that cannot give its value: the message names
    ``where`` it comes from; ``column`` and ``reason`` are there for a report of problems."""

    def __init__(self, where: str, column: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.column, self.reason = column, reason


@lru_cache(maxsize=2**16)
def clean(cleaner: str, text: str, region: str | None = None) -> str:
    """``text`` through one of :data:`ingest.normalize.CLEANERS`; ``region`` (ISO 3166
    alpha-2) reads phone numbers written without ``+``, as the file's defaults say.

    Remembered: a row often cleans one cell twice (a phone node's key and its name), and
    a file repeats its values (a supplier on every shipment); parsing a phone costs 0.2 ms."""
    if cleaner == "phone" and region:
        return phone(text, region=region)
    return CLEANERS[cleaner](text)


def is_template(text: str) -> bool:
    """Whether a mapping's column entry is a template rather than one column's name."""
    return "{" in text or "}" in text


@dataclass(frozen=True)
class Placeholder:
    """One ``{column|cleaner|...}`` of a template."""

    column: str
    cleaners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and placeholders, in order."""

    text: str
    parts: tuple[str | Placeholder, ...]
    region: str | None = None  # the phone region its ``phone`` cleaners read numbers with

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns it reads, each once, in order."""
        return tuple(dict.fromkeys(part.column for part in self.parts if isinstance(part, Placeholder)))

    def key(self, row: Mapping[str, Any]) -> str | None:
        """The whole text, or None when any of its cells is empty."""
        cells = [self._cell(part, row) if isinstance(part, Placeholder) else part for part in self.parts]
        return None if None in cells else "".join(cells)  # type: ignore[arg-type]

    def value(self, row: Mapping[str, Any]) -> str | None:
        """The text with empty cells left out (and the spaces around them collapsed), or
        None when every cell is empty."""
        cells = [self._cell(part, row) if isinstance(part, Placeholder) else part for part in self.parts]
        if all(cell is None for part, cell in zip(self.parts, cells, strict=True) if isinstance(part, Placeholder)):
            return None
        return _joined(cells).strip() or None

    def _cell(self, part: Placeholder, row: Mapping[str, Any]) -> str | None:
        value = row.get(part.column)
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        for cleaner in part.cleaners:
            try:
                text = clean(cleaner, text, self.region)
            except CleaningError as error:
                raise CellError(f"column {part.column!r}", part.column, str(error)) from None
        return text


def _joined(cells: list[str | None]) -> str:
    """Cells joined, where an empty one (None) takes the spaces beside it with it: one
    space stays between words, none at either end."""
    text, pending, spaced = "", False, False
    for cell in cells:
        if cell is None:
            trimmed = text.rstrip()
            spaced, text, pending = spaced or trimmed != text, trimmed, True
            continue
        if pending:
            rest = cell.lstrip()
            spaced = spaced or rest != cell
            if not rest:
                continue
            cell = (" " if spaced and text else "") + rest
            pending = spaced = False
        text += cell
    return text


def parse_template(text: str, region: str | None = None) -> Template:
    """Read a template; a :class:`TemplateError` says what is wrong with it."""
    parts: list[str | Placeholder] = []
    position = 0
    for match in _PART.finditer(text):
        literal = text[position : match.start()]
        token = match.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif match.group(1) is None:
            raise TemplateError(f"a lone {token!r} at character {match.start() + 1}; write {token * 2} for a brace")
        if literal:
            parts.append(literal)
        if match.group(1) is not None:
            parts.append(_placeholder(match.group(1)))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    if not any(isinstance(part, Placeholder) for part in parts):
        raise TemplateError("a template needs at least one {column}")
    return Template(text, tuple(_merged(parts)), region)


def _placeholder(inside: str) -> Placeholder:
    column, *names = (word.strip() for word in inside.split("|"))
    if not column:
        raise TemplateError(f"{{{inside}}} names no column")
    cleaners = tuple(filter(None, names))
    unknown = [name for name in cleaners if name not in CLEANERS]
    if unknown:
        raise TemplateError(f"unknown cleaner {unknown[0]!r} in {{{inside}}}; use one of {sorted(CLEANERS)}")
    return Placeholder(column, cleaners)


def _merged(parts: list[str | Placeholder]) -> list[str | Placeholder]:
    """Adjacent literal pieces (text around an escaped brace) as one."""
    merged: list[str | Placeholder] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged
