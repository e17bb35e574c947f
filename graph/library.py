"""The saved-query library: one ``.cypher`` file per query, with a YAML header.

The header is the file's leading ``//`` comment block::

    // title: Storefronts fed by a supplier
    // description: Every sales channel a supplier's goods reach, through any chain of shells.
    // tags: [supply chain, storefront]
    // params:
    //   supplier: {type: entity, label: Supplier, help: The supplier's id}
    //   max_rows: {type: int, default: 100, help: At most this many rows}
    MATCH ...

Parameter types: ``string``, ``int``, ``float``, ``boolean``, ``date`` (passed to Cypher
as an ISO string: write ``date($since)``), ``list`` (of strings; ``list[int]`` for
numbers), ``entity`` (an id, optionally of one ``label``, checked to exist), and
``label`` / ``reltype``: a label or relationship type taken from the model's whitelist
and written into the query where ``{{name}}`` stands, backtick-quoted. Nothing else from
input ever reaches the query text. Numbers may declare ``min`` and ``max`` (a row count
such as ``max_rows: {type: int, min: 1}``).

Shipped queries live in ``queries/``; an analyst's own go to a user folder
(``KG_USER_QUERIES``, ``data/user_queries`` by default) and may not take a shipped name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.model import Model, check_identifier, quote
from graph.scalars import parse
from graph.store.guard import check_read_only, parameters

__all__ = [
    "LibraryError",
    "Parameter",
    "SavedQuery",
    "SHIPPED",
    "load_library",
    "load_query",
    "parse_query",
    "save_query",
    "user_folder",
]

SHIPPED = Path(__file__).resolve().parents[1] / "queries"
PARAM_TYPES = ("string", "int", "float", "boolean", "date", "list", "list[int]", "entity", "label", "reltype")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


class LibraryError(ValueError):
    """A query file, or a value given for one of its parameters, that cannot be used."""


@dataclass(frozen=True)
class Parameter:
    """A typed query input, with its default and help text."""

    name: str
    type: str = "string"
    default: Any = None
    required: bool = True
    help: str = ""
    label: str | None = None  # for ``entity``: the label the id must have
    minimum: float | None = None  # for numbers: the smallest value allowed
    maximum: float | None = None

    def convert(self, value: Any, model: Model) -> Any:
        """The value as the query expects it, or a :class:`LibraryError` naming the parameter."""
        try:
            converted = _CONVERTERS[self.type](value, self, model)
        except LibraryError:
            raise
        except (TypeError, ValueError) as error:
            raise LibraryError(f"parameter {self.name!r}: {str(value)[:60]!r} is not a {self.type} ({error})") from None
        for number in converted if self.type == "list[int]" else [converted]:
            self._check_range(number)
        return converted

    def _check_range(self, number: Any) -> None:
        if self.minimum is not None and number < self.minimum:
            raise LibraryError(f"parameter {self.name!r}: {number} is less than its minimum {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise LibraryError(f"parameter {self.name!r}: {number} is more than its maximum {self.maximum}")

    def describe(self) -> str:
        kind = f"{self.type} of {self.label}" if self.label else self.type
        extra = "required" if self.required and self.default is None else f"default {self.default!r}"
        bounds = [
            f"{word} {bound}" for word, bound in (("min", self.minimum), ("max", self.maximum)) if bound is not None
        ]
        return f"{self.name} ({', '.join([kind, extra, *bounds])})"


def _scalar(type_name: str) -> Callable[[Any, Parameter, Model], Any]:
    """A converter through the shared scalar table that also takes native values (the
    app's form gives numbers and dates, the command line text)."""

    def convert(value: Any, _parameter: Parameter, _model: Model) -> Any:
        if type_name in ("int", "float") and isinstance(value, bool):
            raise ValueError("expected a number")
        if type_name == "int" and isinstance(value, float) and not value.is_integer():
            raise ValueError("expected a whole number")
        if type_name == "date" and isinstance(value, dt.date):
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        parsed = parse(type_name, str(int(value) if type_name == "int" and isinstance(value, float) else value))
        return parsed.isoformat() if type_name == "date" else parsed  # Cypher writes date($since)

    return convert


def _list(value: Any, _parameter: Parameter, _model: Model) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _int_list(value: Any, parameter: Parameter, model: Model) -> list[int]:
    return [_CONVERTERS["int"](item, parameter, model) for item in _list(value, parameter, model)]


def _entity(value: Any, _parameter: Parameter, _model: Model) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("expected an id")
    return text


def _label(value: Any, _parameter: Parameter, model: Model) -> str:
    return model.label(str(value).strip()).name


def _reltype(value: Any, _parameter: Parameter, model: Model) -> str:
    return model.relationship(str(value).strip()).name


_CONVERTERS: dict[str, Callable[[Any, Parameter, Model], Any]] = {
    "string": lambda value, _p, _m: str(value),
    **{name: _scalar(name) for name in ("int", "float", "boolean", "date")},
    "list": _list,
    "list[int]": _int_list,
    "entity": _entity,
    "label": _label,
    "reltype": _reltype,
}


@dataclass(frozen=True)
class SavedQuery:
    """A query of the library: its header and its Cypher."""

    name: str
    title: str
    description: str
    cypher: str
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = ()
    path: Path | None = None
    shipped: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def bind(self, given: dict[str, Any], model: Model) -> tuple[str, dict[str, Any], dict[str, tuple[str, str]]]:
        """The Cypher with whitelisted identifiers in place, its parameters converted, and
        the entity parameters to check for existence (name -> (id, label)). Unknown,
        missing and badly typed parameters raise a :class:`LibraryError` naming them."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise LibraryError(f"unknown parameter {unknown[0]!r} for {self.name}; it takes {sorted(known) or 'none'}")
        values: dict[str, Any] = {}
        identifiers: dict[str, str] = {}
        entities: dict[str, tuple[str, str]] = {}
        for parameter in self.params:
            raw = given.get(parameter.name)
            if raw is None or (isinstance(raw, str) and raw == "" and parameter.type != "string"):
                if parameter.default is None and parameter.required:
                    raise LibraryError(f"missing parameter {parameter.name!r}: {parameter.help or parameter.type}")
                raw = parameter.default
            value = None if raw is None else parameter.convert(raw, model)
            if parameter.type in ("label", "reltype"):
                identifiers[parameter.name] = quote(value)
                continue
            if parameter.type == "entity" and value is not None:
                entities[parameter.name] = (value, parameter.label or "")
            values[parameter.name] = value
        cypher = _PLACEHOLDER.sub(lambda match: identifiers[match.group(1)], self.cypher)
        return cypher, values, entities


def _header(text: str, path: str) -> tuple[dict[str, Any], str]:
    lines = text.splitlines()
    header = []
    for line in lines:
        if not line.startswith("//"):
            break
        header.append(line[2:].removeprefix(" "))
    body = "\n".join(lines[len(header) :]).strip()
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as error:
        raise LibraryError(f"{path}: the // header is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise LibraryError(f"{path}: the // header must be YAML keys (title:, description:, params:)")
    return meta, body


def _parameter(name: str, spec: Any, path: str) -> Parameter:
    spec = spec if isinstance(spec, dict) else {"type": spec}
    try:
        check_identifier(name, "parameter")
    except ValueError as error:
        raise LibraryError(f"{path}: {error}") from None
    kind = str(spec.get("type", "string"))
    if kind not in PARAM_TYPES:
        raise LibraryError(f"{path}: parameter {name!r} has unknown type {kind!r}; use one of {PARAM_TYPES}")
    bounds = {key: spec.get(key) for key in ("min", "max")}
    for key, bound in bounds.items():
        if bound is not None and (kind not in ("int", "float", "list[int]") or not isinstance(bound, (int, float))):
            raise LibraryError(f"{path}: parameter {name!r}: {key} is for int and float parameters, and a number")
    return Parameter(
        name=name,
        type=kind,
        default=spec.get("default"),
        required=bool(spec.get("required", True)),
        help=str(spec.get("help", "")),
        label=spec.get("label"),
        minimum=bounds["min"],
        maximum=bounds["max"],
    )


def _tags(value: Any, origin: str) -> tuple[str, ...]:
    """A header's ``tags``: one word or a list of them (``save_query`` writes ``[]``)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(item, (str, int, float)) for item in items):
        raise LibraryError(f"{origin}: tags are words, as a list ([fraud, shells])")
    return tuple(str(item) for item in items)


def load_query(path: str | Path, *, shipped: bool = True) -> SavedQuery:
    """Read and check one ``.cypher`` file (its name is the file's stem)."""
    path = Path(path)
    return parse_query(path.read_text(encoding="utf-8"), path.stem, path=path, shipped=shipped)


def parse_query(text: str, name: str, *, path: Path | None = None, shipped: bool = True) -> SavedQuery:
    """Check a query's text: header, read-only body, every parameter declared and used."""
    origin = str(path or name)
    meta, body = _header(text, origin)
    if not _NAME.match(name):
        raise LibraryError(f"{origin}: a query name is lower case letters, digits and _ ({name!r})")
    if not body:
        raise LibraryError(f"{origin}: no Cypher after the header")
    params = tuple(_parameter(n, s, origin) for n, s in (meta.get("params") or {}).items())
    placeholders = set(_PLACEHOLDER.findall(body))
    identifier_params = {p.name for p in params if p.type in ("label", "reltype")}
    if placeholders != identifier_params:
        raise LibraryError(
            f"{origin}: {{{{...}}}} placeholders {sorted(placeholders)} must be exactly the label/reltype "
            f"parameters {sorted(identifier_params)}"
        )
    checked = _PLACEHOLDER.sub("`X`", body)
    try:
        check_read_only(checked)
    except ValueError as error:
        raise LibraryError(f"{origin}: {error}") from None
    used = parameters(checked)
    declared = {p.name for p in params} - identifier_params
    if used != declared:
        raise LibraryError(f"{origin}: the query uses ${sorted(used)} but declares {sorted(declared)}")
    return SavedQuery(
        name=name,
        title=str(meta.get("title") or name),
        description=str(meta.get("description") or ""),
        cypher=body,
        tags=_tags(meta.get("tags"), origin),
        params=params,
        path=path,
        shipped=shipped,
    )


def user_folder() -> Path:
    """Where an analyst's own queries are saved."""
    return Path(os.environ.get("KG_USER_QUERIES") or "data/user_queries")


def load_library(user: Path | None = None) -> dict[str, SavedQuery]:
    """Shipped queries, then the user's (which never replace a shipped one), by name."""
    library = {path.stem: load_query(path) for path in sorted(SHIPPED.glob("*.cypher"))}
    folder = user if user is not None else user_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.cypher")):
            if path.stem not in library:
                library[path.stem] = load_query(path, shipped=False)
    return library


def save_query(
    name: str,
    cypher: str,
    *,
    title: str = "",
    description: str = "",
    params: dict[str, dict[str, Any]] | None = None,
    tags: list[str] | None = None,
    user: Path | None = None,
) -> SavedQuery:
    """Save an ad-hoc query into the user folder; it is checked like a shipped one, and
    may neither take a shipped query's name nor overwrite another saved query."""
    if not _NAME.match(name):
        raise LibraryError(f"query name {name!r}: use lower case letters, digits and _ (2-64 characters)")
    if (SHIPPED / f"{name}.cypher").exists():
        raise LibraryError(f"query name {name!r} belongs to a shipped query; choose another")
    folder = user if user is not None else user_folder()
    target = folder / f"{name}.cypher"
    if target.exists():
        raise LibraryError(f"{target} exists; choose another name")
    header = {"title": title or name, "description": description, "tags": tags or [], "params": params or {}}
    text = "".join(f"// {line}\n" for line in yaml.safe_dump(header, sort_keys=False).splitlines())
    text += cypher.strip() + "\n"
    saved = parse_query(text, name, path=target, shipped=False)  # refuses writes, undeclared parameters...
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never over another analyst's file
        handle.write(text)
    return saved
