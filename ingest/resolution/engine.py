"""Probabilistic record linkage with Splink on its embedded DuckDB backend.

Records of one label are compared only within blocks (the same cleaned name, the same
first or last name word unless that word is common, a shared identifier node): a
million records make millions of pairs, not half a trillion. Splink weighs each
comparison from the data itself (u from random pairs, m by expectation maximisation
within the blocks, starting from the priors in :mod:`ingest.resolution.comparisons`),
and scores each blocked pair with the probability that the two are one entity. Every
proposal keeps that score and one sentence per comparison saying why.

The same model runs on Spark for data that outgrows one machine (Splink's SparkAPI);
this project uses the in-process DuckDB one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.model import COORDINATES, Resolution
from graph.progress import SILENT, Progress
from ingest.normalize import CleaningError, address, name_key
from ingest.resolution.comparisons import (
    EMAIL,
    Compared,
    column,
    comparisons,
    identifier_column,
    mailbox_column,
    reason,
)

__all__ = ["Proposal", "Record", "cleaned_name", "find_duplicates", "frame", "pair_id"]

#: A name word shared by more records than this says nothing ("bank", "trading"): it is
#: left out of the blocks (the words still count when two records are compared).
MAX_BLOCK = 200
#: The least share of duplicates taken: one record in twenty has a twin in the data. The
#: share is estimated from the pairs with one cleaned name (taken as half the duplicates)
#: and kept between that and a twin for every record: where namesakes abound (the 1M
#: demo's 44,000 suppliers share a few thousand names) the estimate alone made 1.4M
#: proposals.
RECALL_OF_SAME_NAME = 0.5
DUPLICATE_SHARE = 0.05
#: Random pairs sampled to learn how often non-duplicates agree: a hundred per record
#: (within bounds), so that rare agreements are told from never (at a million records the
#: prior odds of a pair being one entity are about one in five million).
PAIRS_PER_RECORD = 100
TRAINING_PAIRS = (2_000_000, 100_000_000)
#: Below this many records chance agreements are not counted but taken from the priors.
SAMPLE_FROM = 10
#: Below this many records the priors stand: too few duplicates to learn their look from.
LEARN_FROM = 10_000
DEFAULT_THRESHOLD = 0.9


def pair_id(label: str, a: str, b: str) -> str:
    """A pair's identity, by node keys (the same after a re-load of the same files)."""
    a, b = sorted((str(a), str(b)))
    return f"{label}:{a}|{b}"


@dataclass(frozen=True)
class Record:
    """One node as resolution sees it: its key, name, compared properties and the keys
    of the identifier nodes it links to, by label."""

    key: str
    name: str | None
    properties: Mapping[str, Any] = field(default_factory=dict)
    identifiers: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    """Two nodes that are probably one entity, with the score and the reasons."""

    label: str
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    a_name: str = ""
    b_name: str = ""

    @property
    def id(self) -> str:
        return pair_id(self.label, self.a, self.b)


def cleaned_name(label: str, text: object) -> str | None:
    """The comparable form of a name: addresses by postal rules, the rest as names."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return (address(text) if label == "Address" else name_key(text)) or None
    except CleaningError:
        return None


def _value(kind: str, value: Any) -> Any:
    """A compared property as DuckDB compares it: text folded, dates as dates."""
    if value is None or value == "" or value == []:
        return None
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == "geo":
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, list):
        value = value[0]
    return " ".join(str(value).casefold().split()) or None


def frame(label: str, records: Iterable[Record], resolution: Resolution, identifier_labels: list[str]) -> pd.DataFrame:
    """The records as Splink's input table: one row per record, one column per comparison."""
    rows = []
    for record in records:
        key = cleaned_name(label, record.name)
        words = [w for w in key.split() if not any(ch.isdigit() for ch in w)] if key else []  # numbers compare apart
        row: dict[str, Any] = {
            "unique_id": record.key,
            "name": record.name,
            "name_key": key,
            "name_sorted": " ".join(sorted(key.split())) if key else None,
            "name_first": words[0] if words else None,
            "name_last": words[-1] if words else None,
            "name_numbers": " ".join(sorted(_numbers(key))) or None,
        }
        for prop, kind in resolution.compare.items():
            for source in ("latitude", "longitude") if prop == COORDINATES else (prop,):
                row[column(source)] = _value(kind, record.properties.get(source))
        for identifier in identifier_labels:
            keys = sorted(record.identifiers.get(identifier, ()))
            row[identifier_column(identifier)] = keys or None
            row[f"first_{identifier_column(identifier)}"] = keys[0] if keys else None  # a block to learn from
            if identifier == EMAIL:
                row[mailbox_column(identifier)] = _mailbox(keys[0]) if keys else None
        rows.append(row)
    table = pd.DataFrame(rows)
    table["name_count"] = table["name_key"].map(table["name_key"].value_counts()).fillna(0).astype(int)
    table["name_short"] = table["name_first"].str[:3] + " " + table["name_last"].str[:1]
    for word in ("name_first", "name_last", "name_short"):  # common words make blocks too big to tell anything
        counts = table[word].map(Counter(table[word].dropna()))
        table[f"block_{word}"] = table[word].where(counts <= MAX_BLOCK)
    return table


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _numbers(name: str | None) -> set[str]:
    return {word for word in (name or "").split() if any(ch.isdigit() for ch in word)}


def _mailbox(address: str) -> str | None:
    """The mailbox name up to its first digit: "mgable6b@feedburner.com" -> "mgable"."""
    name = address.partition("@")[0].casefold()
    stem = re.split(r"\d", name, maxsplit=1)[0].strip("._-+")
    return stem if len(stem) >= 4 else None


def _blocking_rules(identifier_labels: list[str]) -> list[Any]:
    from splink import block_on

    rules = [block_on("name_key"), block_on("name_sorted")]
    rules += [block_on(f"block_name_{part}") for part in ("first", "last", "short")]
    for identifier in identifier_labels:
        col = identifier_column(identifier)
        rules.append(block_on(col, arrays_to_explode=[col]))
        if identifier == EMAIL:
            rules.append(block_on(mailbox_column(identifier)))
    return rules


def _duplicate_shares(records: int) -> tuple[float, float]:
    """The least and the most share of random pairs taken to be duplicates: one record in
    twenty with a twin, and every record with one."""
    pairs = max(1, records * (records - 1) // 2)
    return min(0.5, DUPLICATE_SHARE * records / pairs), min(0.5, records / pairs)


def _linker(table: pd.DataFrame, compared: list[Compared], identifier_labels: list[str]) -> Any:
    from splink import DuckDBAPI, Linker, SettingsCreator

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[c.settings() for c in compared],
        blocking_rules_to_generate_predictions=_blocking_rules(identifier_labels),
        probability_two_random_records_match=_duplicate_shares(len(table))[0],
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["name"],
    )
    database = DuckDBAPI()
    return Linker(database.register(table), settings, log_level=logging.ERROR)


def _train(linker: Any, table: pd.DataFrame, identifier_labels: list[str], progress: Progress) -> None:
    """u from random pairs; the share of duplicates from pairs with one cleaned name,
    within :func:`_duplicate_shares`; m by expectation maximisation within blocks that
    leave each comparison free in turn (a block on names trains the rest, a block on a
    shared identifier trains the names). A block too small to learn from keeps the priors."""
    from splink import block_on

    progress.report(f"weighing comparisons on random pairs of {len(table):,} records")
    fewest, most = TRAINING_PAIRS
    if len(table) >= SAMPLE_FROM:  # fewer records hold too few pairs to count: the priors stand
        sampled = min(most, max(fewest, PAIRS_PER_RECORD * len(table)))
        linker.training.estimate_u_using_random_sampling(max_pairs=sampled, seed=7)
    progress.report("estimating how many records are duplicates (pairs with one cleaned name)")
    try:  # pairs that share a cleaned name, taken as half the duplicates there are
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_key")], recall=RECALL_OF_SAME_NAME
        )
    except Exception as error:  # noqa: BLE001 - no pair shares a name: the prior stands
        logging.getLogger(__name__).info("kept the prior share of duplicates: %s", error)
    settings = linker._settings_obj  # Splink has no public setter for the share it estimates
    least_share, most_share = _duplicate_shares(len(table))
    estimated = settings._probability_two_random_records_match
    settings._probability_two_random_records_match = min(most_share, max(least_share, estimated))
    sessions = [block_on("name_key")] + [block_on(f"first_{identifier_column(i)}") for i in identifier_labels]
    sessions = sessions if len(table) >= LEARN_FROM else []
    share = min(1.0, 200_000 / max(1, len(table)))
    for rule in sessions:
        progress.report("learning from likely duplicates (expectation maximisation)")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=True, record_sample_proportion=share
            )
        except Exception as error:  # noqa: BLE001 - Splink raises bare errors when a block has too few pairs
            logging.getLogger(__name__).info("kept the priors for %s: %s", rule, error)


def find_duplicates(
    label: str,
    records: Iterable[Record],
    resolution: Resolution,
    *,
    identifier_labels: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress = SILENT,
) -> list[Proposal]:
    """Pairs of ``records`` at or above ``threshold`` probability of being one entity,
    best first."""
    records = list(records)
    present = sorted({i for r in records for i, keys in r.identifiers.items() if keys})
    identifiers = [i for i in (identifier_labels if identifier_labels is not None else present) if i in present]
    table = frame(label, records, resolution, identifiers)
    if len(table) < 2:
        return []
    compared = comparisons(resolution.compare, identifiers)
    linker = _linker(table, compared, identifiers)
    _train(linker, table, identifiers, progress)
    progress.report(f"scoring {label} pairs in blocks")
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    proposals = []
    for row in scored.to_dict("records"):
        if _text(row["name_numbers_l"]) != _text(row["name_numbers_r"]):
            continue  # "Trading 0031" and "Trading 0032" are two registrations, not one spelt twice
        a, b = sorted((row["unique_id_l"], row["unique_id_r"]))
        flipped = a != row["unique_id_l"]
        proposals.append(
            Proposal(
                label=label,
                a=a,
                b=b,
                score=round(float(row["match_probability"]), 4),
                reasons=_reasons(compared, row),
                a_name=str(row["name_r" if flipped else "name_l"] or ""),
                b_name=str(row["name_l" if flipped else "name_r"] or ""),
            )
        )
    return sorted(proposals, key=lambda p: (-p.score, p.a, p.b))


def _reasons(compared: list[Compared], row: Mapping[str, Any]) -> tuple[str, ...]:
    """One sentence per comparison that had something to compare, most telling first."""
    said = []
    for c in compared:
        level = int(row[f"gamma_{c.name}"])
        if level < 0:
            continue  # nothing to compare (a null level)
        bits = float(row[f"mw_{c.name}"])  # Splink's match weight: log2 of the Bayes factor
        adjustment = row.get(f"mw_tf_adj_{c.name}")
        if adjustment is not None and pd.notna(adjustment):
            bits += float(adjustment)  # a common value says less than a rare one
        index = len(c.levels) - 1 - level  # Splink numbers levels from the last (ELSE = 0)
        said.append((abs(bits), reason(c, index, 2.0**bits, row)))
    return tuple(text for _, text in sorted(said, key=lambda s: -s[0]))
