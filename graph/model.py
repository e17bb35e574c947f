"""The data model: labels, relationship types and their properties, read from YAML.

The model is data (``model.yaml``) so that ingest, the stores, the query whitelist and
the app's legend share one declaration. Labels and relationship types are the only
identifiers ever placed in Cypher text, so every one of them passes through
:meth:`Model.label` / :meth:`Model.relationship` (the whitelist) and :func:`quote`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from graph.scalars import SCALAR_TYPES

__all__ = [
    "INTERNAL_PREFIX",
    "KEY",
    "SEARCH",
    "PROVENANCE",
    "RESERVED",
    "LabelSpec",
    "RelationshipSpec",
    "Resolution",
    "COMPARISON_KINDS",
    "Model",
    "ModelError",
    "EVENT_ROLES",
    "load_model",
    "quote",
    "check_identifier",
]

#: Reserved node/relationship property holding the key as loaded. It is separate from
#: any data property (POLE's crimes carry their own ``id``) so re-loads stay idempotent.
#: The prefix of the store's own names, which data may not use.
INTERNAL_PREFIX = "_kg_"
KEY = f"{INTERNAL_PREFIX}key"
#: Reserved node property: the display name folded for case/accent-insensitive search.
SEARCH = f"{INTERNAL_PREFIX}search"
#: Provenance properties every node and relationship carries.
PROVENANCE = ("sources", "first_seen", "last_seen")
RESERVED = frozenset({KEY, SEARCH, *PROVENANCE})

#: ASCII only: the embedded engine cannot parse other letters even backtick-quoted, and
#: both stores must accept the same names.
_IDENTIFIER = re.compile(r"[^\W\d]\w*", re.ASCII)
DEFAULT_MODEL = Path(__file__).with_name("model.yaml")

#: Properties that usually name a node, in order: for labels the model does not declare.
DISPLAY_CANDIDATES = ("name", "title", "label", "description", "code", "address", "email_address", "phoneNo")


class ModelError(ValueError):
    """A label, relationship type or property that the model does not allow."""


def check_identifier(name: str, what: str = "identifier") -> str:
    """Return ``name`` if it is a plain identifier (letters, digits, underscore)."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ModelError(f"invalid {what} {str(name)[:80]!r}: use ASCII letters, digits and underscores")
    return name


def quote(name: str) -> str:
    """Backtick-quote an identifier for Cypher (``Case`` is a keyword for KGLite)."""
    return f"`{check_identifier(name)}`"


def check_type(type_name: str) -> str:
    """Validate a property type such as ``date`` or ``string[]``."""
    base = type_name[:-2] if type_name.endswith("[]") else type_name
    if base not in SCALAR_TYPES:
        raise ModelError(f"unknown property type {type_name!r}; expected one of {sorted(SCALAR_TYPES)} or a list 'T[]'")
    return type_name


#: What a label's nodes are to network analysis: ``entity`` takes part in everything;
#: an ``identifier`` (address, phone...) links entities that share it; a ``hub`` (a
#: marketplace, a brand) links everything and explains nothing.
ROLES = ("entity", "identifier", "hub")


def _role(value: Any, owner: str) -> str:
    if value not in ROLES:
        raise ModelError(f"label {owner}: role {value!r} is not one of {ROLES}")
    return str(value)


#: What an event date is: a ``point`` in time (a seizure), or the ``start`` or ``end`` of
#: a span (a case opened ... closed). The timeline draws spans as bars, points as marks.
EVENT_ROLES = ("point", "start", "end")
_DATE_TYPES = ("date", "datetime")


def _checked_events(events: Any, properties: Mapping[str, str], owner: str) -> dict[str, str]:
    """``events`` (property -> role) checked against ``owner``'s declared properties:
    each names a date or datetime property, and a span has at most one start and one end."""
    if not isinstance(events, Mapping):
        raise ModelError(f"{owner}: events must map properties to one of {EVENT_ROLES}, not {events!r}")
    checked: dict[str, str] = {}
    for prop, role in events.items():
        if properties.get(prop) not in _DATE_TYPES:
            raise ModelError(
                f"{owner}: event {prop!r} is not a declared date or datetime property "
                f"(declared: {sorted(p for p, t in properties.items() if t in _DATE_TYPES)})"
            )
        if role not in EVENT_ROLES:
            raise ModelError(f"{owner}: event {prop!r} has role {role!r}; use one of {EVENT_ROLES}")
        twin = next((other for other, seen in checked.items() if seen == role != "point"), None)
        if twin:
            raise ModelError(f"{owner}: a span has one {role}, but {twin!r} and {prop!r} are both {role}")
        checked[str(prop)] = str(role)
    return checked


def _weight(value: Any, owner: str, what: str = "weight") -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        weight = -1.0
    if weight <= 0:
        raise ModelError(f"{owner}: {what} {value!r} is not a positive number")
    return weight


#: How entity resolution may compare a property of two nodes (``resolvable: {compare: ...}``):
#: ``exact`` (same value once cleaned; common values weigh less), ``fuzzy`` (spelling
#: variants), ``date`` (days apart), ``geo`` (kilometres apart: the property ``coordinates``
#: stands for the label's ``latitude`` and ``longitude``), ``email`` (the same address, or
#: the same mailbox name at another provider).
COMPARISON_KINDS = ("exact", "fuzzy", "date", "geo", "email")
COORDINATES = "coordinates"


@dataclass(frozen=True)
class Resolution:
    """What entity resolution compares between two nodes of a label: their names (the
    ``name`` property, by default the display one), the identifier nodes both link to
    (always), and each property of ``compare`` by its kind."""

    name: str | None = None
    compare: Mapping[str, str] = field(default_factory=dict)


def _resolution(value: Any, properties: Mapping[str, str], owner: str) -> Resolution | None:
    """``resolvable:`` as written in a model or mapping: false, true or ``{name, compare}``."""
    if value is None or value is False:
        return None
    if value is True:
        return Resolution()
    if not isinstance(value, Mapping) or set(value) - {"name", "compare"}:
        raise ModelError(f"{owner}: resolvable is true, false or {{name: <property>, compare: {{<property>: <kind>}}}}")
    name = value.get("name")
    if name is not None and name not in properties:
        raise ModelError(f"{owner}: resolvable name {name!r} is not one of its properties {sorted(properties)}")
    compare = dict(value.get("compare") or {})
    for prop, kind in compare.items():
        if kind not in COMPARISON_KINDS:
            raise ModelError(f"{owner}: compare {prop}: {kind!r} is not one of {', '.join(COMPARISON_KINDS)}")
        needed = ("latitude", "longitude") if kind == "geo" and prop == COORDINATES else (prop,)
        missing = [p for p in needed if p not in properties]
        if missing:
            raise ModelError(f"{owner}: compare {prop}: no property {', '.join(missing)} (it has {sorted(properties)})")
    return Resolution(name=name, compare=compare)


@dataclass(frozen=True)
class LabelSpec:
    """A node label: its key property, display property and typed properties."""

    name: str
    key: str = "id"
    display: str = "name"
    properties: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    declared: bool = False  # True when a dataset, not model.yaml, brought it
    role: str = "entity"  # entity | identifier | hub (see ROLES)
    evidence: float = 0.5  # identifiers: how telling one value shared by two entities is
    resolvable: Resolution | None = None  # entity resolution looks for duplicates among these
    events: Mapping[str, str] = field(default_factory=dict)  # date property -> point | start | end


@dataclass(frozen=True)
class RelationshipSpec:
    """A relationship type and the endpoint labels it may join (``None`` = any)."""

    name: str
    sources: frozenset[str] | None = None
    targets: frozenset[str] | None = None
    properties: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    declared: bool = False
    weight: float = 1.0  # how strongly the link binds two entities in network analysis
    events: Mapping[str, str] = field(default_factory=dict)  # date property -> point | start | end

    def allows(self, source: str, target: str) -> bool:
        return (self.sources is None or source in self.sources) and (self.targets is None or target in self.targets)


class Model:
    """The labels and relationship types a graph may hold.

    Datasets that bring their own vocabulary (POLE's ``Crime``, ``Officer``...) add it
    with :meth:`declare_label` / :meth:`declare_relationship`; anything undeclared is
    refused, which is what keeps user input out of Cypher identifiers.
    """

    def __init__(self, labels: Mapping[str, LabelSpec], relationships: Mapping[str, RelationshipSpec]):
        self._labels = dict(labels)
        self._relationships = dict(relationships)

    @property
    def labels(self) -> dict[str, LabelSpec]:
        return dict(self._labels)

    @property
    def relationships(self) -> dict[str, RelationshipSpec]:
        return dict(self._relationships)

    def label(self, name: str) -> LabelSpec:
        """The spec of a known label, or a :class:`ModelError` naming it."""
        try:
            return self._labels[name]
        except (KeyError, TypeError):
            raise ModelError(f"unknown label {name!r}; declare it or use one of {sorted(self._labels)}") from None

    def relationship(self, name: str) -> RelationshipSpec:
        """The spec of a known relationship type, or a :class:`ModelError` naming it."""
        try:
            return self._relationships[name]
        except (KeyError, TypeError):
            raise ModelError(
                f"unknown relationship type {name!r}; declare it or use one of {sorted(self._relationships)}"
            ) from None

    def declare_label(
        self,
        name: str,
        *,
        key: str = "id",
        display: str = "name",
        properties: Mapping[str, str] | None = None,
        description: str = "",
        events: Mapping[str, str] | None = None,
        resolvable: bool | Mapping[str, Any] | None = None,
        role: str | None = None,
        evidence: float | None = None,
    ) -> LabelSpec:
        """Add a label a dataset brings, with its event dates and how resolution compares
        its nodes (both checked as in ``model.yaml``). Re-declaring a known label returns
        it unchanged, unless a dataset's label is given event dates or comparisons: a
        mapping may date or make resolvable what an earlier load (or the graph) brought."""
        known = self._labels.get(name)
        if known is not None:
            if not (known.declared and (events or resolvable or role or evidence)):
                return known
            events = events or known.events
            resolvable = resolvable if resolvable is not None else known.resolvable
            role, evidence = role or known.role, known.evidence if evidence is None else evidence
            key, display, description = known.key, known.display, known.description
            properties = {**known.properties, **(properties or {})}
        checked = _checked_properties(properties or {}, name)
        spec = LabelSpec(
            name=check_identifier(name, "label"),
            key=key,
            display=display,
            properties=checked,
            description=description,
            declared=True,
            role=_role(role or "entity", name),
            evidence=_weight(0.5 if evidence is None else evidence, f"label {name}", "evidence"),
            events=_checked_events(events or {}, checked, f"label {name}"),
            resolvable=(
                resolvable if isinstance(resolvable, Resolution) else _resolution(resolvable, checked, f"label {name}")
            ),
        )
        self._labels[name] = spec
        return spec

    def declare_relationship(
        self,
        name: str,
        *,
        sources: list[str] | None = None,
        targets: list[str] | None = None,
        properties: Mapping[str, str] | None = None,
        description: str = "",
    ) -> RelationshipSpec:
        """Add a relationship type a dataset brings; a known type is returned unchanged."""
        if name in self._relationships:
            return self._relationships[name]
        spec = RelationshipSpec(
            name=check_identifier(name, "relationship type"),
            sources=frozenset(sources) if sources else None,
            targets=frozenset(targets) if targets else None,
            properties=_checked_properties(properties or {}, name),
            description=description,
            declared=True,
        )
        self._relationships[name] = spec
        return spec

    def widen_relationship(
        self, name: str, *, sources: Iterable[str] = (), targets: Iterable[str] = ()
    ) -> RelationshipSpec:
        """Let a known relationship type also join labels a dataset declared (a mapping's
        ``Entity`` may ``HAS_EMAIL`` an ``Email``); the labels ``model.yaml`` declares keep
        the endpoints it gives them."""
        spec = self.relationship(name)
        sources, targets = frozenset(sources), frozenset(targets)
        for label in sources | targets:
            if not self.label(label).declared:
                raise ModelError(
                    f"{name}: only labels a dataset declares may be added to its endpoints, and {label} is in the model"
                )
        spec = replace(
            spec,
            sources=None if spec.sources is None else spec.sources | sources,
            targets=None if spec.targets is None else spec.targets | targets,
        )
        self._relationships[name] = spec
        return spec

    def check_endpoints(self, rel_type: str, source: str, target: str) -> None:
        """Raise if ``rel_type`` may not join a ``source`` node to a ``target`` node."""
        spec = self.relationship(rel_type)
        if not spec.allows(source, target):
            raise ModelError(f"{rel_type} may not join {source} to {target}")

    def labels_with_role(self, *roles: str) -> list[str]:
        """Known labels whose role is one of ``roles``, sorted."""
        return sorted(name for name, spec in self._labels.items() if spec.role in roles)

    def resolvable_labels(self) -> list[str]:
        """Labels flagged ``resolvable``: where entity resolution looks for duplicates."""
        return sorted(name for name, spec in self._labels.items() if spec.resolvable)

    def label_events(self, labels: Iterable[str]) -> dict[str, str]:
        """The event dates (property -> point | start | end) of a node with these labels:
        a ``ShellCompany`` that is also a ``Company`` has both labels' events."""
        events: dict[str, str] = {}
        for name in labels:
            if name in self._labels:
                events.update(self._labels[name].events)
        return events

    def type_events(self, rel_type: str) -> dict[str, str]:
        """The event dates of a relationship type (none for a type the model lacks)."""
        spec = self._relationships.get(rel_type)
        return dict(spec.events) if spec else {}

    def display_property(self, labels: list[str] | tuple[str, ...]) -> str:
        """The display property of the first known label of a node (``name`` otherwise)."""
        for name in labels:
            if name in self._labels:
                return self._labels[name].display
        return "name"

    def naming_properties(self, labels: list[str] | tuple[str, ...]) -> list[str]:
        """The properties that may name a node, in order: a ``model.yaml`` label's display
        property alone; for a label a dataset declared (or the store taught), its display
        property, then the usual naming properties; for an unknown label, those."""
        known = next((self._labels[name] for name in labels if name in self._labels), None)
        if known is not None and not known.declared:
            return [known.display]
        first = known.display if known is not None else DISPLAY_CANDIDATES[0]
        return [first, *(prop for prop in DISPLAY_CANDIDATES if prop != first)]

    def display_name(self, labels: list[str] | tuple[str, ...], properties: Mapping[str, Any], default: str) -> str:
        """What to call a node: the first of :meth:`naming_properties` it has, else
        ``default`` (its key)."""
        for prop in self.naming_properties(labels):
            value = properties.get(prop)
            if value not in (None, ""):
                return str(value)
        return default

    def display_expression(self, labels: list[str] | tuple[str, ...], variable: str = "n") -> str:
        """:meth:`display_name` as Cypher over node ``variable`` (null for no name)."""
        return "coalesce(" + ", ".join(f"{variable}.{quote(prop)}" for prop in self.naming_properties(labels)) + ")"

    def learn(self, labels: Iterable[str], types: Iterable[str]) -> None:
        """Declare the labels and types a graph holds that the model lacks (a graph
        written by an earlier load or by other tools); names that are not plain
        identifiers are left unknown, so they never reach Cypher text."""
        for label in labels:
            if label not in self._labels and _IDENTIFIER.fullmatch(label):
                self.declare_label(label)
        for rel_type in types:
            if rel_type not in self._relationships and _IDENTIFIER.fullmatch(rel_type):
                self.declare_relationship(rel_type)


def _checked_properties(properties: Mapping[str, Any], owner: str) -> dict[str, str]:
    checked = {}
    for prop, type_name in properties.items():
        check_identifier(prop, f"property of {owner}")
        if prop in RESERVED:
            raise ModelError(f"{owner}.{prop}: {prop!r} is reserved for the store")
        checked[prop] = check_type(str(type_name))
    return checked


def _endpoints(value: Any, rel: str, labels: Mapping[str, LabelSpec]) -> frozenset[str] | None:
    if value == "*" or value is None:
        return None
    unknown = [name for name in value if name not in labels]
    if unknown:
        raise ModelError(f"relationship {rel} names unknown labels {unknown}")
    return frozenset(value)


def load_model(path: str | Path | None = None) -> Model:
    """Read a model YAML file (the IP-crime model by default) into a fresh :class:`Model`."""
    path = Path(path) if path else DEFAULT_MODEL
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = {}
    for name, spec in (raw.get("labels") or {}).items():
        spec = spec or {}
        properties = _checked_properties(spec.get("properties") or {}, name)
        labels[name] = LabelSpec(
            name=check_identifier(name, "label"),
            key=spec.get("key", "id"),
            display=spec.get("display", "name"),
            properties=properties,
            description=spec.get("description", ""),
            role=_role(spec.get("role", "entity"), name),
            evidence=_weight(spec.get("evidence", 0.5), f"label {name}", "evidence"),
            resolvable=_resolution(spec.get("resolvable"), properties, f"label {name}"),
            events=_checked_events(spec.get("events") or {}, properties, f"label {name}"),
        )
    relationships = {}
    for name, spec in (raw.get("relationships") or {}).items():
        spec = spec or {}
        properties = _checked_properties(spec.get("properties") or {}, name)
        relationships[name] = RelationshipSpec(
            name=check_identifier(name, "relationship type"),
            sources=_endpoints(spec.get("from"), name, labels),
            targets=_endpoints(spec.get("to"), name, labels),
            properties=properties,
            description=spec.get("description", ""),
            weight=_weight(spec.get("weight", 1.0), f"relationship {name}"),
            events=_checked_events(spec.get("events") or {}, properties, f"relationship {name}"),
        )
    return Model(labels, relationships)
