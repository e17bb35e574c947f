"""Query parameters typed on the command line: ``name=value`` or ``name:type=value``."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from graph.model import check_identifier
from graph.scalars import SCALAR_TYPES, parse, parse_list

__all__ = ["ParameterError", "PARAMETER_TYPES", "convert", "hops", "parse_params", "row_limit", "seconds"]

#: The bounds a run may ask for: rows kept in memory, and a day at most.
MAX_ROW_LIMIT = 10_000_000
MAX_SECONDS = 86_400.0
MAX_HOPS = 10


class ParameterError(ValueError):
    """A parameter that could not be read, named in the message."""


#: ``name:TYPE=value`` types: the shared scalars, plus the command line's own ``list``
#: (comma-separated strings) and ``json``.
PARAMETER_TYPES: dict[str, Callable[[str], Any]] = {
    **{name: partial(parse, name) for name in SCALAR_TYPES},
    "list": parse_list,
    "json": json.loads,
}


def convert(name: str, type_name: str, text: str) -> Any:
    """``text`` as a value of ``type_name``, or a :class:`ParameterError` naming ``name``."""
    try:
        converter = PARAMETER_TYPES[type_name]
    except KeyError:
        raise ParameterError(
            f"parameter {name}: unknown type {type_name!r}; use one of {sorted(PARAMETER_TYPES)}"
        ) from None
    try:
        return converter(text)
    except ValueError as error:
        raise ParameterError(f"parameter {name}: {text[:80]!r} is not a valid {type_name} ({error})") from None


def parse_params(items: Iterable[str]) -> dict[str, Any]:
    """Parse ``name=value`` (a string) and ``name:type=value`` items into a dict."""
    params: dict[str, Any] = {}
    for item in items:
        head, sep, text = item.partition("=")
        if not sep:
            raise ParameterError(f"parameter {item!r}: write name=value or name:type=value")
        name, _, type_name = head.strip().partition(":")
        try:
            check_identifier(name, "parameter name")
        except ValueError as error:
            raise ParameterError(str(error)) from None
        if name in params:
            raise ParameterError(f"parameter {name} is given twice")
        params[name] = convert(name, type_name or "string", text)
    return params


def _whole_number(what: str, high: int, why: str) -> Callable[[str], int]:
    """An argparse type for a whole number of ``what`` from 1 to ``high``."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = 0
        if not 1 <= number <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of {what} from 1 to {high:,}")
        return number

    parse.__doc__ = why
    return parse


row_limit = _whole_number(
    "rows", MAX_ROW_LIMIT, "``--limit``: 0 or less would show nothing, or nothing would be capped."
)
hops = _whole_number("hops", MAX_HOPS, "``--hops``: 0 or less is an empty view, a large radius the whole graph.")


def seconds(text: str) -> float:
    """``--timeout``: seconds above 0 (Neo4j reads 0 as "no timeout") up to a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_SECONDS:  # NaN fails every comparison
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds above 0 and up to {MAX_SECONDS:g}")
    return value
