"""Property values in and out of the stores: one set of Python types for both.

Neo4j can store strings, numbers, booleans, temporal values and homogeneous lists of
those; anything else is refused here, on both stores, so a graph written to the
embedded store can always move to Neo4j. Values read back are plain Python types
(``datetime.date``, ``datetime.datetime``...), whatever the driver hands over.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["PropertyError", "check_value", "clean_properties", "fold", "fold_many", "to_python", "to_json_value"]

_SCALARS = (str, bool, int, float, dt.date, dt.datetime, dt.time)


class PropertyError(ValueError):
    """A property value no store can keep, named by property."""


def check_value(name: str, value: Any) -> Any:
    """Return ``value`` ready for a store, or raise :class:`PropertyError` naming ``name``."""
    if type(value) is str:  # most values; the checks below cost a load a tenth of its time
        return value
    if isinstance(value, _SCALARS):
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            raise PropertyError(f"property {name!r}: integer {value} does not fit in 64 bits")
        if isinstance(value, float) and math.isnan(value):
            raise PropertyError(f"property {name!r}: NaN is not a value; leave the property out")
        if isinstance(value, dt.datetime) and value.utcoffset():
            try:  # both stores keep the instant in UTC, which must stay within years 1-9999
                value.astimezone(dt.UTC)
            except OverflowError:
                raise PropertyError(f"property {name!r}: {value.isoformat()} is beyond years 1-9999 in UTC") from None
        return value
    if isinstance(value, (list, tuple)):
        items = [check_value(name, item) for item in value]
        kinds = {_kind(item) for item in items}
        if len(kinds) > 1:
            raise PropertyError(f"property {name!r}: a list must hold one type, got {sorted(kinds)}")
        return items
    raise PropertyError(f"property {name!r}: {type(value).__name__} values cannot be stored")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        raise PropertyError("lists of lists cannot be stored")
    return type(value).__name__


def clean_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """Checked copy of a property map; ``None`` means "remove this property"."""
    return {name: None if value is None else check_value(name, value) for name, value in properties.items()}


def fold(text: Any) -> str:
    """Fold text for search: no case, no accents, single spaces ("Café  Ltd" -> "cafe ltd")."""
    text = str(text)
    if text.isascii():  # most names; the same fold, at a tenth of the cost
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def fold_many(texts: Iterable[Any]) -> np.ndarray:
    """:func:`fold` of many values at once: printable ASCII (most names) folded a column
    at a time, the rest one by one, with the same result."""
    import pyarrow as pa  # here: most commands never fold a column
    import pyarrow.compute as pc

    texts = np.array([str(text) for text in texts], dtype=object)
    if not len(texts):
        return texts
    column = pa.array(texts, type=pa.string())
    plain = pc.match_substring_regex(column, r"^[ -~]*$").to_numpy(zero_copy_only=False)
    folded = pc.utf8_trim(pc.replace_substring_regex(pc.ascii_lower(column), " +", " "), " ")
    result = np.array(folded.to_pylist(), dtype=object)
    for position in np.flatnonzero(~plain):
        result[position] = fold(texts[position])
    return result


def to_python(value: Any) -> Any:
    """Turn driver values (``neo4j.time.Date``...) into plain Python values, recursively.
    Durations and points come out as the maps the embedded store gives (the driver's
    are tuples, which would read as bare lists of numbers)."""
    if isinstance(value, dict):
        return {key: to_python(item) for key, item in value.items()}
    if type(value).__module__.startswith("neo4j"):
        if hasattr(value, "months") and hasattr(value, "nanoseconds"):  # nanoseconds only when some, as KGLite
            return {
                name: getattr(value, name)
                for name in ("months", "days", "seconds", "nanoseconds")[: 3 + bool(value.nanoseconds)]
            }
        if hasattr(value, "srid"):
            names = ("latitude", "longitude", "height") if hasattr(value, "latitude") else ("x", "y", "z")
            return {name: getattr(value, name) for name in names[: len(value)]}
        to_native = getattr(value, "to_native", None)
        if to_native is not None:
            return to_native()
    if isinstance(value, (list, tuple)):
        return [to_python(item) for item in value]
    return value


def to_json_value(value: Any) -> Any:
    """A form strict JSON can carry: temporal values as ISO 8601 strings, NaN and the
    infinities (which JSON has no numbers for) as the strings ``"NaN"``, ``"Infinity"``
    and ``"-Infinity"``, bytes as base64."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value
