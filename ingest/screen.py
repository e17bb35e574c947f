"""Batch screening: a list of names and identifiers in, the graph's nodes that match each
row out, best first, with a score, the reasons in words and the cases each hit touches.

    python -m ingest screen LIST.csv [--threshold 0.8] [--labels Company,Person]
                                     [--phone-region US] [--format table|csv|json]

* Identifiers (a phone, an e-mail, a domain or URL, an IBAN) are cleaned as loads clean
  them (:mod:`ingest.normalize`) and matched exactly against the graph's identifier nodes,
  each of which is cleaned once per screening; a phone given without its country code
  meets a stored one with the same national number, at a lower score. A seller id is
  matched against node ids.
* Names are compared fuzzily (:func:`name_score`: rapidfuzz on :func:`name_key`, so any
  script, case or legal form) against the candidates the store's search index finds for
  their words. A named entity that also uses an identifier of the same row scores higher.
* A hit's cases are the Case nodes within two hops of it, never through a hub (a
  marketplace or a brand joins everything).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from graph.model import KEY, quote
from graph.progress import SILENT, ConsoleProgress, Progress
from graph.store import GraphStore, open_store
from graph.values import fold
from graph.views.tables import FORMATS, format_frame
from ingest.mapping import MappingError, check_region
from ingest.normalize import (
    CleaningError,
    country,
    domain,
    email,
    iban,
    name_key,
    payment_account,
    phone,
    readable_phone,
)
from ingest.textfile import BadRow, NotText, csv_rows

__all__ = [
    "COLUMNS",
    "DEFAULT_THRESHOLD",
    "Hit",
    "ScreenRow",
    "ScreeningError",
    "entity_labels",
    "hits_frame",
    "main",
    "name_score",
    "problems",
    "read_list",
    "screen",
]

DEFAULT_THRESHOLD = 0.8
#: The model's identifier labels that hold each kind of value a list may give.
PHONE, EMAIL, DOMAIN, PAYMENT = "Phone", "Email", "Domain", "PaymentAccount"
CASE = "Case"
NAME_COLUMNS = ("name", "company")
#: Identifier columns: the label whose nodes hold such values, the cleaner of the list's
#: values (the region is the list's), and how a reason calls them.
IDENTIFIER_COLUMNS: dict[str, tuple[str, Callable[[str, str | None], str], str]] = {
    "phone": (PHONE, lambda value, region: phone(value, region), "phone"),
    "email": (EMAIL, lambda value, region: email(value), "e-mail"),
    "domain": (DOMAIN, lambda value, region: domain(value), "domain"),
    "url": (DOMAIN, lambda value, region: domain(value), "domain"),
    "iban": (PAYMENT, lambda value, region: iban(value), "account"),
}
COLUMNS = (*NAME_COLUMNS, "seller_id", *IDENTIFIER_COLUMNS, "country")
#: How the graph's own identifier values are cleaned to meet the list's.
GRAPH_CLEANERS: dict[str, Callable[[str, str | None], str]] = {
    PHONE: phone,
    EMAIL: lambda value, region: email(value),
    DOMAIN: lambda value, region: domain(value),
    PAYMENT: lambda value, region: payment_account(value),
}
#: Properties that say which country a node is in, as the model names them.
COUNTRY_PROPERTIES = ("country", "jurisdiction", "nationality")
CANDIDATES = 50  # per word searched: the shortest names holding it
CASES_SHOWN = 10
NATIONAL_ONLY = 0.9  # a phone that meets by its national number alone (one side has no country code)
NAME_FLOOR = 0.5  # a name this alike, and using one of the row's identifiers, is a hit


class ScreeningError(ValueError):
    """A list that cannot be screened (empty, no recognised column), naming the file."""


@dataclass(frozen=True)
class ScreenRow:
    """One row of the list: its row number in the file (the header is row 1) and its
    recognised, non-empty cells."""

    row: int
    values: Mapping[str, str]

    def said(self) -> str:
        """What the row asks for, in a few words."""
        return ", ".join(self.values[column] for column in COLUMNS if column in self.values and column != "country")


@dataclass(frozen=True)
class Hit:
    """A node that matches a row: how well (0-1), why, and the cases it touches."""

    row: int
    query: str
    key: str
    labels: tuple[str, ...]
    name: str
    score: float
    reasons: tuple[str, ...]
    cases: tuple[str, ...] = ()


@dataclass
class _Found:
    """A node found for one row, gathering its evidence before it is scored."""

    key: str
    labels: tuple[str, ...]
    name: str
    name_score: float = 0.0
    identifier_score: float = 0.0
    kind: str = ""  # what the row's identifier that matched it is ("phone"), for an identifier node
    reasons: list[str] = field(default_factory=list)


# -- reading the list -------------------------------------------------------------------


def read_list(path: Path, source: str | None = None) -> tuple[list[ScreenRow], list[str]]:
    """The rows of a CSV list with a header, and what was set aside: columns not
    recognised, rows that could not be read (each named by file, row and column;
    the file by ``source`` when given, such as the name of an upload)."""
    where = source or str(path)
    try:
        records = iter(csv_rows(path))
        first = next(records, None)
    except (NotText, UnicodeError) as error:
        raise ScreeningError(f"{where}: {error}") from None
    if first is None or isinstance(first[1], BadRow):
        raise ScreeningError(f"{where}: {'empty: no header' if first is None else f'row 1: {first[1]}'}")
    header = [column.strip().lower() for column in first[1]]
    known = [column for column in header if column in COLUMNS]
    if not known:
        raise ScreeningError(
            f"{where}: row 1: no column to screen by (the header has {', '.join(map(repr, header[:8]))}); "
            f"name at least one of {', '.join(COLUMNS[:-1])}"
        )
    notes = [
        f"{where}: column {column!r} is not one screening reads; ignored" for column in header if column not in COLUMNS
    ]
    rows = []
    for number, fields in records:
        if isinstance(fields, BadRow):
            notes.append(f"{where}: row {number}: {fields}; skipped")
            continue
        values = {
            column: cell.strip()
            for column, cell in zip(header, fields, strict=False)
            if column in known and cell.strip()
        }
        if values.keys() - {"country"}:
            rows.append(ScreenRow(number, values))
    if not rows:
        raise ScreeningError(f"{where}: no row below the header gives a name or an identifier")
    return rows, notes


def problems(rows: Iterable[ScreenRow], region: str | None = None, *, source: str = "list") -> list[str]:
    """The cells screening cannot read (a phone with letters, a bad IBAN), each named by
    row and column: those cells are left out, the rest of their row is screened."""
    found = []
    for row in rows:
        for column, (_, clean, _) in IDENTIFIER_COLUMNS.items():
            if column in row.values:
                try:
                    clean(row.values[column], region)
                except CleaningError as error:
                    found.append(f"{source}: row {row.row}, column {column!r}: {error}; not screened")
        if "country" in row.values:
            try:
                country(row.values["country"])
            except CleaningError as error:
                found.append(f"{source}: row {row.row}, column 'country': {error}; not compared")
    return found


# -- matching ---------------------------------------------------------------------------


def name_score(query: str, candidate: str) -> tuple[float, str]:
    """How alike two names are (0-1) and why, in words: rapidfuzz's token-sort ratio of
    their :func:`name_key` (any script, case, punctuation, legal form); names that differ
    in a number ("Trading 0030" and "Trading 0041") stay below any usual threshold.

    The one place names are scored, so that resolution's scorer can take its place."""
    a, b = name_key(query), name_key(candidate)
    score = fuzz.token_sort_ratio(a, b) / 100
    said = f"name {query!r} and {candidate!r} {score:.0%} alike"
    if _numbers(a) != _numbers(b):
        return min(score, 0.6), said + ", but their numbers differ"
    return score, said


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


class _Identifiers:
    """The graph's identifier nodes of one label by their cleaned value, read once."""

    def __init__(self, store: GraphStore, label: str, region: str | None) -> None:
        spec = store.model.label(label)
        shown = store.model.display_property([label])
        where = "country" if "country" in spec.properties else None
        columns = store.read_columns(
            f"MATCH (n:{quote(label)}) RETURN n.{KEY} AS key, n.{quote(shown)} AS name"
            + (f", n.{quote(where)} AS country" if where else "")
        )
        clean = GRAPH_CLEANERS[label]
        self.exact: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.national: dict[str, list[tuple[str, str]]] = defaultdict(list)
        countries = columns.get("country") or [None] * len(columns.get("key", []))
        for key, name, home in zip(columns.get("key", []), columns.get("name", []), countries, strict=True):
            try:
                value = clean(str(name if name is not None else key), _region(home) or region)
            except CleaningError:
                continue
            self.exact[value].append((key, str(name)))
            if label == PHONE:
                self.national[_national(value)].append((key, str(name)))

    def find(self, value: str) -> Iterator[tuple[str, str, float, bool]]:
        """``(key, name, score, exact)`` of the nodes holding ``value``: the same value, or
        for a phone the same national number."""
        seen = set()
        for key, name in self.exact.get(value, []):
            seen.add(key)
            yield key, name, 1.0, True
        for key, name in self.national.get(_national(value), []) if self.national else []:
            if key not in seen:
                yield key, name, NATIONAL_ONLY, False


def _region(home: object) -> str | None:
    """A node's own country as a phone region ("China" or "CN" -> "CN"), if it has one."""
    try:
        return country(str(home)) if home else None
    except CleaningError:
        return None


def _national(cleaned: str) -> str:
    """A phone's national number without its trunk prefix: what a number given with and
    without its country code have in common."""
    if cleaned.startswith("+"):
        import phonenumbers  # the parse is needed for phones only

        return str(phonenumbers.parse(cleaned, None).national_number)
    return cleaned.lstrip("0")


def screen(
    store: GraphStore,
    rows: Sequence[ScreenRow],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    labels: Sequence[str] | None = None,
    region: str | None = None,
    progress: Progress = SILENT,
) -> list[Hit]:
    """Every node that matches a row at ``threshold`` or more, row by row, best first.

    ``labels`` are those whose names are compared (default: the model's resolvable
    entities); identifiers are always matched through their identifier nodes. ``region``
    (ISO 3166 alpha-2) reads the list's phone numbers written without a country code."""
    name_labels = list(labels) if labels else entity_labels(store)
    for label in name_labels:
        store.model.label(label)  # an unknown one is named
    identifiers: dict[str, _Identifiers] = {}
    wanted = {IDENTIFIER_COLUMNS[c][0] for row in rows for c in row.values if c in IDENTIFIER_COLUMNS}
    for label in sorted(wanted & set(store.labels_in_store())):
        progress.report(f"reading the graph's {label} nodes")
        identifiers[label] = _Identifiers(store, label, region)
    hits: list[Hit] = []
    for row in progress.track(rows, "screening rows", len(rows), every=max(1, min(50, len(rows) // 20 or 1))):
        found = _row_matches(store, row, identifiers, name_labels, region, threshold)
        hits += _scored(store, row, found, threshold)
    return _with_cases(store, hits, progress)


def entity_labels(store: GraphStore) -> list[str]:
    """The labels whose names screening compares by default: the resolvable entities."""
    return [label for label in store.model.resolvable_labels() if store.model.label(label).role == "entity"]


def _row_matches(
    store: GraphStore,
    row: ScreenRow,
    identifiers: Mapping[str, _Identifiers],
    name_labels: Sequence[str],
    region: str | None,
    threshold: float,
) -> dict[str, _Found]:
    found: dict[str, _Found] = {}
    for column, (label, clean, says) in IDENTIFIER_COLUMNS.items():
        if column not in row.values or label not in identifiers:
            continue
        try:
            value = clean(row.values[column], region)
        except CleaningError:
            continue  # named by problems()
        shown = readable_phone(value) if label == PHONE else value
        for key, name, score, exact in identifiers[label].find(value):
            hit = found.setdefault(key, _Found(key, (label,), name, kind=says))
            hit.identifier_score = max(hit.identifier_score, score)
            hit.reasons.append(
                f"{says} {shown} is the same"
                if exact
                else f"{says} {row.values[column]!r} has the national number of {name!r} (one gives no country code)"
            )
    if "seller_id" in row.values:
        for key, node_labels in store.locate([row.values["seller_id"]]).items():
            hit = found.setdefault(key, _Found(key, tuple(node_labels), _display(store, key, node_labels)))
            hit.identifier_score = 1.0
            hit.reasons.append(f"id {key} is the same")
    for column in NAME_COLUMNS:
        if column in row.values:
            _names(store, row.values[column], name_labels, found, threshold)
    return found


def _names(store: GraphStore, query: str, labels: Sequence[str], found: dict[str, _Found], threshold: float) -> None:
    """Candidates from the search index, scored by :func:`name_score`: names holding the
    query as written, its key or a pair of its words in order (of the key, or as written);
    only when none of those reaches ``threshold``, names holding one of its words ("Smith
    John" for "John Smith"). A common word costs the index tens of milliseconds and brings
    only the shortest names holding it."""
    words = name_key(query).split()
    pairs = _pairs(words) | _pairs(fold(query).split())  # as written too: "co. 0020 limited"
    best = _candidates(store, query, {fold(query), " ".join(words)} | pairs, labels, found)
    if best < threshold:
        _candidates(store, query, {word for word in words if len(word) >= 3}, labels, found)


def _pairs(words: list[str]) -> set[str]:
    return {" ".join(pair) for pair in zip(words, words[1:], strict=False)}


def _candidates(
    store: GraphStore, query: str, probes: set[str], labels: Sequence[str], found: dict[str, _Found]
) -> float:
    """Score the names the index finds for ``probes`` into ``found``; the best score."""
    best = 0.0
    for probe in sorted(probes - {""}):
        for candidate in store.search(probe, labels=labels, limit=CANDIDATES).itertuples():
            hit = found.get(candidate.key)
            if hit is None:
                hit = found[candidate.key] = _Found(candidate.key, tuple(candidate.labels), str(candidate.name))
            elif hit.name_score:
                continue  # scored by an earlier probe
            score, said = name_score(query, str(candidate.name))
            best = max(best, score)
            if score > hit.name_score:
                hit.name_score = score
                hit.reasons.insert(0, said)
    return best


def _scored(store: GraphStore, row: ScreenRow, found: Mapping[str, _Found], threshold: float) -> list[Hit]:
    """The row's hits at ``threshold`` or more, best first: the best evidence, raised when a
    named entity uses one of the row's matched identifiers, lowered when the country differs."""
    linked = _links_to_identifiers(store, found)
    hits = []
    for hit in found.values():
        score = max(hit.name_score, hit.identifier_score)
        for identifier in linked.get(hit.key, ()):
            evidence = found[identifier]
            score = max(score, hit.name_score + (1 - hit.name_score) * evidence.identifier_score)
            hit.reasons.append(f"uses {evidence.kind} {evidence.name!r}, the row's {evidence.kind} too")
        if score < threshold:
            continue  # a country only ever lowers a score
        score, said = _country(store, row, hit, score)
        hit.reasons.extend(said)
        if score >= threshold:
            hits.append(
                Hit(
                    row.row,
                    row.said(),
                    hit.key,
                    hit.labels,
                    hit.name,
                    round(score, 3),
                    tuple(dict.fromkeys(hit.reasons)),
                )
            )
    return sorted(hits, key=lambda h: (-h.score, h.key))


def _links_to_identifiers(store: GraphStore, found: Mapping[str, _Found]) -> dict[str, list[str]]:
    """Named entities of the row -> the row's matched identifier nodes they link to."""
    named = {key: list(hit.labels) for key, hit in found.items() if hit.name_score >= NAME_FLOOR}
    matched = {key for key, hit in found.items() if hit.identifier_score > 0 and hit.name_score == 0}
    if not named or not matched:
        return {}
    links: dict[str, list[str]] = defaultdict(list)
    for key, (rows, _) in store.neighbours_of(named).items():
        links[key] = sorted({row["other"] for row in rows} & matched)
    return links


def _country(store: GraphStore, row: ScreenRow, hit: _Found, score: float) -> tuple[float, list[str]]:
    """The row's country against the node's (country, jurisdiction or nationality)."""
    if "country" not in row.values:
        return score, []
    try:
        wanted = country(row.values["country"])
    except CleaningError:
        return score, []
    properties = _properties(store, hit.key)
    for prop in COUNTRY_PROPERTIES:
        if properties.get(prop):
            try:
                held = country(str(properties[prop]))
            except CleaningError:
                continue
            if held == wanted:
                return score, [f"country {held} is the same"]
            return score * 0.9, [f"country differs ({wanted} in the list, {held} in the graph)"]
    return score, []


def _properties(store: GraphStore, key: str) -> Mapping[str, object]:
    return store.subgraph([key]).nodes[key].get("properties") or {}


def _display(store: GraphStore, key: str, labels: Sequence[str]) -> str:
    return store.model.display_name(list(labels), _properties(store, key), key)


def _with_cases(store: GraphStore, hits: list[Hit], progress: Progress) -> list[Hit]:
    """Each hit with the cases within two hops of it (not through a hub), named."""
    if not hits:
        return hits
    progress.report(f"finding the cases of {len(hits):,} hits")
    cases = _cases_of(store, {hit.key: hit.labels for hit in hits})
    return [Hit(h.row, h.query, h.key, h.labels, h.name, h.score, h.reasons, tuple(cases.get(h.key, ()))) for h in hits]


def _cases_of(store: GraphStore, located: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    if CASE not in store.labels_in_store():
        return {}
    hubs = " ".join(f"AND NOT m:{quote(label)}" for label in store.model.labels_with_role("hub"))
    shown = quote(store.model.display_property([CASE]))
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, labels in located.items():
        by_label[labels[0]].append(key)
    named: dict[str, dict[str, str]] = defaultdict(dict)
    for label, keys in sorted(by_label.items()):
        start = f"MATCH (n:{quote(label)}) WHERE n.{KEY} IN $keys "
        ends = f"RETURN DISTINCT n.{KEY} AS key, c.{KEY} AS case_key, c.{shown} AS case_name"
        for walk in (
            f"MATCH (n)-[]-(c:{quote(CASE)}) ",
            f"MATCH (n)-[]-(m)-[]-(c:{quote(CASE)}) WHERE m.{KEY} <> c.{KEY} {hubs} ",
        ):
            for found in store.read(start + walk + ends, {"keys": sorted(set(keys))}):
                named[found["key"]][found["case_key"]] = (
                    f"{found['case_name'] or found['case_key']} ({found['case_key']})"
                )
    return {key: _listed(cases) for key, cases in named.items()}


def _listed(cases: Mapping[str, str]) -> list[str]:
    shown = [cases[key] for key in sorted(cases)[:CASES_SHOWN]]
    if len(cases) > CASES_SHOWN:
        shown.append(f"and {len(cases) - CASES_SHOWN} more")
    return shown


# -- output and the command line --------------------------------------------------------

HIT_COLUMNS = ["row", "query", "score", "label", "key", "name", "reasons", "cases"]


def hits_frame(hits: Sequence[Hit]) -> pd.DataFrame:
    """The hits as a table: one line each, reasons and cases joined by "; "."""
    return pd.DataFrame(
        [
            [h.row, h.query, h.score, ", ".join(h.labels), h.key, h.name, "; ".join(h.reasons), "; ".join(h.cases)]
            for h in hits
        ],
        columns=HIT_COLUMNS,
    )


def _labels(text: str) -> list[str]:
    return [label.strip() for label in text.split(",") if label.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest screen",
        description="Screen a list of names and identifiers against the graph: scored hits with reasons and cases.",
        epilog=f"Columns read (header, any case): {', '.join(COLUMNS)}; any other column is named and ignored. "
        "name/company are compared fuzzily; phone, email, domain, url and iban exactly after cleaning; "
        "seller_id against node ids; a hit in another country than the row's scores lower.",
    )
    parser.add_argument("list", type=Path, help="a CSV file with a header row")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"lowest score to show, 0-1 (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument("--labels", type=_labels, help="comma-separated labels whose names are compared")
    parser.add_argument(
        "--phone-region", help="region (ISO 3166 alpha-2, such as US) of the list's phones written without +"
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    args = parser.parse_args(argv)
    if not 0 <= args.threshold <= 1:
        parser.error(f"--threshold {args.threshold} is not between 0 and 1")
    try:
        region = check_region(args.phone_region, "--phone-region") if args.phone_region else None
    except MappingError as error:
        parser.error(str(error))
    if not args.list.is_file():
        raise ScreeningError(f"{args.list}: no such file")
    rows, notes = read_list(args.list)
    with open_store(reader=True) as store, ConsoleProgress() as progress:
        for note in notes + problems(rows, region, source=str(args.list)):
            progress.say(f"warning: {note}")
        hits = screen(store, rows, threshold=args.threshold, labels=args.labels, region=region, progress=progress)
    print(format_frame(hits_frame(hits), args.format))
    return 0
