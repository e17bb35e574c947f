"""One table of scalar types: how text becomes an int, float, boolean, date, datetime or
list, for every input that types a value (command-line parameters, saved-query
parameters, neo4j-admin columns, mappings). Each input keeps only its own syntax
(``name:int=3``, ``age:int``, ``type: int``); what the type means is said here once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

__all__ = ["SCALAR_TYPES", "EXPECTED", "parse", "parse_list"]

_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected true or false")


#: Type name -> parser of (stripped) text. Strings are taken as they are.
SCALAR_TYPES: dict[str, Callable[[str], Any]] = {
    "string": str,
    "int": int,
    "float": _float,
    "boolean": _boolean,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
}
#: What a value of each type looks like, for error messages.
EXPECTED = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
    "datetime": "a date-time YYYY-MM-DDTHH:MM:SS",
}


def parse(type_name: str, text: str) -> Any:
    """``text`` as a value of ``type_name``; a ``ValueError`` saying what was expected."""
    try:
        parser = SCALAR_TYPES[type_name]
    except KeyError:
        raise ValueError(f"unknown type {type_name!r}; use one of {sorted(SCALAR_TYPES)}") from None
    if type_name == "string":
        return text
    try:
        return parser(text.strip())
    except ValueError:
        raise ValueError(f"{text[:80]!r} is not {EXPECTED[type_name]}") from None


def parse_list(text: str, type_name: str = "string", separator: str = ",") -> list[Any]:
    """A separated list of values of one type; empty items are dropped."""
    return [parse(type_name, item.strip()) for item in text.split(separator) if item.strip()]
