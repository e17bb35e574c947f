"""What resolution compares, as Splink comparisons, and how each outcome reads in words.

A label's :class:`graph.model.Resolution` names the properties to compare and their kind;
the name and the identifier nodes two records both link to are always compared. Every
comparison is a ladder of levels, most telling first; Splink learns how much each level
weighs (its m and u probabilities) from the data, starting from the priors here, and
:func:`reason` turns the level a pair reached and its weight into a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.model import COORDINATES

__all__ = ["Compared", "EMAIL", "comparisons", "reason", "column", "identifier_column", "mailbox_column"]

NAME = "name"
EMAIL = "Email"  # the model's e-mail identifier: its mailbox names are compared too


def column(prop: str) -> str:
    """The frame column holding a compared property (safe as a SQL name)."""
    return f"p_{prop}"


def identifier_column(label: str) -> str:
    """The frame column holding the keys of a record's linked ``label`` identifier nodes."""
    return f"ids_{label}"


@dataclass(frozen=True)
class Level:
    sql: str
    says: str  # what a pair at this level has in common, in words ({a} and {b}: the values)
    m: float | None = None  # prior: how often true duplicates reach this level
    u: float | None = None  # prior: how often two different entities reach it by chance
    null: bool = False
    term_frequencies: str | None = None  # column whose common values weigh less


@dataclass(frozen=True)
class Compared:
    """One comparison: its name, the columns its sentences quote, and its levels."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]

    def settings(self) -> dict[str, Any]:
        """The comparison as a Splink settings dictionary entry, with the priors (the
        last level, "anything else", takes the u the others leave)."""
        levels = []
        chance = sum(level.u or 0 for level in self.levels)
        for level in self.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.says}
            if level.null:
                entry["is_null_level"] = True
            else:
                entry["m_probability"] = level.m
                entry["u_probability"] = level.u if level.u is not None else 1 - chance
            if level.term_frequencies:
                entry["tf_adjustment_column"] = level.term_frequencies
                entry["tf_adjustment_weight"] = 1.0
            levels.append(entry)
        return {"output_column_name": self.name, "comparison_levels": levels}


def _both_null(*columns: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)


def _jaro(col: str, at_least: float) -> str:
    return f"jaro_winkler_similarity({col}_l, {col}_r) >= {at_least}"


def _kilometres(lat: str, lon: str) -> str:
    """Great-circle distance between the two records' positions (haversine), in SQL."""

    def degrees(col: str, side: str) -> str:
        return f"radians(CAST({col}_{side} AS DOUBLE))"

    half = (
        f"pow(sin(({degrees(lat, 'r')} - {degrees(lat, 'l')}) / 2), 2) "
        f"+ cos({degrees(lat, 'l')}) * cos({degrees(lat, 'r')}) "
        f"* pow(sin(({degrees(lon, 'r')} - {degrees(lon, 'l')}) / 2), 2)"
    )
    return f"(2 * 6371 * asin(sqrt({half})))"


def _name() -> Compared:
    """Whole names first; then word by word, so that two relatives (one surname, two
    first names) stay apart while "Ed" and "Edgardo", or "Hussein D" and "Hussein
    Dalliwater", meet."""
    n, first, last = "name_key", "name_first", "name_last"
    short_form = f"(starts_with({first}_l, {first}_r) OR starts_with({first}_r, {first}_l))"
    same_initial = f"left({last}_l, 1) = left({last}_r, 1)"
    return Compared(
        NAME,
        ("name",),
        (
            Level(_both_null(n), "no name to compare", null=True),
            Level(f"{n}_l = {n}_r AND name_count_l <= 2", "the same name once cleaned, and no one else's", 0.4, 1e-5),
            Level(f"{n}_l = {n}_r", "the same name once cleaned, shared with others", 0.1, 1e-4, term_frequencies=n),
            Level("name_sorted_l = name_sorted_r", "the same words in another order", 0.05, 1e-5),
            Level(f"{_jaro(n, 0.95)} AND {_jaro(first, 0.9)}", "names all but the same", 0.15, 1e-4),
            Level(f"{_jaro(first, 0.88)} AND {_jaro(last, 0.88)}", "names alike word by word", 0.1, 3e-4),
            Level(
                f"{short_form} AND {same_initial}",
                "one name a short form of the other",
                0.08,
                5e-4,
            ),
            Level(
                f"{_jaro(first, 0.8)} AND {same_initial}", "first names alike, last names with one initial", 0.04, 2e-3
            ),
            Level(f"{_jaro(n, 0.88)} AND {_jaro(first, 0.8)}", "names alike but for a word", 0.04, 5e-3),
            Level("ELSE", "different names", 0.04),
        ),
    )


def mailbox_column(label: str) -> str:
    """The frame column holding the mailbox name of a record's first e-mail, without the
    digits and letters a provider or a second account adds ("hdanielovitch4j" ->
    "hdanielovitch")."""
    return f"mailbox_{label}"


def _name_numbers() -> Compared:
    """Numbers in names ("Trading 0060", "Unit 12") are rare to share by chance."""
    c = "name_numbers"
    return Compared(
        "name_numbers",
        (c,),
        (
            Level(_both_null(c), "no number in the names", null=True),
            Level(f"{c}_l = {c}_r", "the same number {a} in both names", 0.95, 1e-3),
            Level("ELSE", "different numbers in the names: {a} and {b}", 0.05),
        ),
    )


def _identifier(label: str) -> Compared:
    c = identifier_column(label)
    levels = [
        Level(f"{c}_l IS NULL OR {c}_r IS NULL", f"no {label} to compare", null=True),
        Level(
            f"len(list_intersect({c}_l, {c}_r)) >= 1",
            f"linked to the same {label}",
            0.7 if label != EMAIL else 0.55,
            1e-4,
        ),
    ]
    if label == EMAIL:
        box = mailbox_column(label)
        levels.append(Level(f"{box}_l = {box}_r", "the same mailbox name at another provider", 0.15, 1e-4))
    levels.append(Level("ELSE", f"each linked to a different {label}", 0.3))  # people keep several
    return Compared(f"shared_{label}", (), tuple(levels))


def _property(prop: str, kind: str) -> Compared:
    if kind == "geo":
        lat, lon = (column("latitude"), column("longitude")) if prop == COORDINATES else (column(prop),) * 2
        distance = _kilometres(lat, lon)
        return Compared(
            prop,
            (),
            (
                Level(_both_null(lat, lon), f"no {prop} to compare", null=True),
                Level(f"{distance} <= 1", f"{prop} within 1 km", 0.6, 1e-3),
                Level(f"{distance} <= 25", f"{prop} within 25 km", 0.25, 1e-2),
                Level("ELSE", f"{prop} more than 25 km apart", 0.15),
            ),
        )
    c = column(prop)
    null = Level(_both_null(c), f"no {prop} to compare", null=True)
    if kind == "exact":
        return Compared(
            prop,
            (c,),
            (
                null,
                Level(f"{c}_l = {c}_r", f"the same {prop} {{a}}", 0.9, 0.1, term_frequencies=c),
                Level("ELSE", f"{prop} differs: {{a}} and {{b}}", 0.1),
            ),
        )
    if kind == "fuzzy":
        return Compared(
            prop,
            (c,),
            (
                null,
                Level(f"{c}_l = {c}_r", f"the same {prop} {{a}}", 0.75, 0.05, term_frequencies=c),
                Level(_jaro(c, 0.9), f"{prop} alike: {{a}} and {{b}}", 0.15, 0.02),
                Level("ELSE", f"{prop} differs: {{a}} and {{b}}", 0.1),
            ),
        )
    if kind == "email":
        mailbox = f"split_part({c}_l, '@', 1)", f"split_part({c}_r, '@', 1)"
        return Compared(
            prop,
            (c,),
            (
                null,
                Level(f"{c}_l = {c}_r", f"the same {prop} {{a}}", 0.6, 1e-4, term_frequencies=c),
                Level(f"{mailbox[0]} = {mailbox[1]}", "the same mailbox name at two providers: {a} and {b}", 0.1, 1e-4),
                Level(
                    f"starts_with({mailbox[0]}, {mailbox[1]}) OR starts_with({mailbox[1]}, {mailbox[0]})",
                    "one mailbox name begins the other: {a} and {b}",
                    0.1,
                    1e-3,
                ),
                Level("ELSE", f"{prop} differs: {{a}} and {{b}}", 0.2),
            ),
        )
    days = f"abs(date_diff('day', CAST({c}_l AS DATE), CAST({c}_r AS DATE)))"
    return Compared(
        prop,
        (c,),
        (
            null,
            Level(f"{c}_l = {c}_r", f"the same {prop} {{a}}", 0.8, 1e-3),
            Level(f"{days} <= 31", f"{prop} within a month: {{a}} and {{b}}", 0.1, 0.01),
            Level(f"{days} <= 366", f"{prop} within a year: {{a}} and {{b}}", 0.05, 0.1),
            Level("ELSE", f"{prop} more than a year apart: {{a}} and {{b}}", 0.05),
        ),
    )


def comparisons(compare: Mapping[str, str], identifier_labels: list[str]) -> list[Compared]:
    """The name, one comparison per identifier label present, then the declared properties."""
    return [
        _name(),
        _name_numbers(),
        *(_identifier(label) for label in identifier_labels),
        *map(_property, compare, compare.values()),
    ]


def reason(compared: Compared, level: int, weight: float, values: Mapping[str, Any]) -> str:
    """One sentence: what the pair has in common at this comparison, and how much it
    weighs (a Bayes factor: ×20 for means twenty times likelier if they are one)."""
    says = compared.levels[level].says
    if compared.name == NAME:
        says = f"{says}: {values['name_l']!r} and {values['name_r']!r}"
    elif compared.columns:
        col = compared.columns[0]
        says = says.format(a=_shown(values.get(f"{col}_l")), b=_shown(values.get(f"{col}_r")))
    if weight >= 1:
        return f"{says} (×{weight:,.0f} for)" if weight >= 10 else f"{says} (×{weight:.1f} for)"
    against = 1 / weight if weight > 0 else float("inf")
    return f"{says} (×{against:,.0f} against)" if against >= 10 else f"{says} (×{against:.1f} against)"


def _shown(value: Any) -> str:
    return repr(value.isoformat() if hasattr(value, "isoformat") else value)
