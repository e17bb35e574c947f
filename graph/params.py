"""Query parameters typed on the command line: ``name=value`` or ``name:type=value``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from graph.model import check_identifier

__all__ = ["ParameterError", "PARAMETER_TYPES", "convert", "parse_params"]


class ParameterError(ValueError):
    """A parameter that could not be read, named in the message."""


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError("expected true or false")


def _json(text: str) -> Any:
    return json.loads(text)


PARAMETER_TYPES: dict[str, Callable[[str], Any]] = {
    "string": str,
    "int": int,
    "float": float,
    "boolean": _boolean,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
    "list": lambda text: [item.strip() for item in text.split(",")] if text.strip() else [],
    "json": _json,
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
        raise ParameterError(f"parameter {name}: {text!r} is not a valid {type_name} ({error})") from None


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
