"""Entity resolution, first half: propose likely duplicates with a score and reasons.

Candidates are blocked (only nodes that share a label and a significant name word, or
an identifier node such as an address or phone, are compared), then scored by the
similarity of their cleaned names (:func:`ingest.normalize.name_key`, or
:func:`ingest.normalize.address` for addresses; rapidfuzz's token-sort ratio), raised a
little by each identifier they share. A shared address
alone never makes a pair (mass-registration addresses hold many distinct shells), a
name alone stays below the default threshold (namesakes are common), and names that
differ in a number ("Trading 0031" / "Trading 0032", "Suite 501" / "Suite 502") are never
paired. Two addresses that read the same once spelling is normalised are one place.

    python -m ingest resolve [--threshold 0.85] [--labels Company,Supplier] [--format table|csv|json] [--apply]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import pandas as pd
from rapidfuzz import fuzz

from graph.model import KEY, quote
from graph.progress import SILENT, ConsoleProgress, Progress
from graph.store import GraphStore
from graph.workspace import Workspace
from ingest.normalize import CleaningError, address, name_key

__all__ = ["Candidate", "apply", "candidates_frame", "propose"]

MAX_BLOCK = 200  # a name word shared by more nodes than this tells nothing ("trading")
SHARED_IDENTIFIER_BONUS = 0.05
MIN_NAME_SIMILARITY = 0.6
NAME_ONLY_WEIGHT = 0.8
COMPARED_PER_REPORT = 20_000  # name pairs scored between two progress reports (about 0.1 s)


def _cleaned(label: str, text: object) -> str | None:
    """The comparable form of a display name: addresses by postal rules, the rest as names."""
    if not isinstance(text, str):
        return None
    try:
        return address(text) if label == "Address" else name_key(text)
    except CleaningError:
        return None


def _numbers(name: str) -> set[str]:
    return {word for word in name.split() if any(ch.isdigit() for ch in word)}


@dataclass(frozen=True)
class Candidate:
    """Two nodes that are probably one entity."""

    a: str
    b: str
    label: str
    score: float
    reasons: tuple[str, ...]


def _entities(store: GraphStore, label: str) -> list[dict]:
    """Key, display name and linked identifier keys of every node of ``label``."""
    return store.read(
        f"MATCH (n:{quote(label)}) OPTIONAL MATCH (n)--(i) WHERE any(l IN labels(i) WHERE l IN $identifiers) "
        f"RETURN n.{KEY} AS key, {store.model.display_expression([label])} AS name, "
        f"collect(DISTINCT i.{KEY}) AS identifiers ORDER BY key",
        {"identifiers": store.model.labels_with_role("identifier")},
    )


def propose(
    store: GraphStore, *, labels: Iterable[str] | None = None, threshold: float = 0.85, progress: Progress = SILENT
) -> list[Candidate]:
    """Likely duplicate pairs at or above ``threshold``, best first, among ``labels``
    (the model's ``resolvable`` labels by default); reads and compares one label at a
    time, reporting to ``progress``."""
    present = set(store.labels_in_store())
    found: dict[tuple[str, str], Candidate] = {}
    for label in store.model.resolvable_labels() if labels is None else labels:
        if label not in present:
            continue
        progress.report(f"reading {label} names and identifiers")
        entities = _entities(store, label)
        names = {row["key"]: name for row in entities if (name := _cleaned(label, row["name"]))}
        identifiers = {row["key"]: set(row["identifiers"]) for row in entities}
        progress.report(f"grouping {len(entities):,} {label} nodes by name words and shared identifiers")
        blocks: dict[str, set[str]] = defaultdict(set)
        for key, name in names.items():
            for word in name.split():
                if len(word) >= 3 or word.isdigit():
                    blocks[f"w:{word}"].add(key)
        for key, ids in identifiers.items():
            for identifier in ids:
                blocks[f"i:{identifier}"].add(key)
        pairs = {
            tuple(sorted(pair))
            for members in blocks.values()
            if 1 < len(members) <= MAX_BLOCK
            for pair in combinations(sorted(members), 2)
        }
        for a, b in progress.track(
            sorted(pairs), f"comparing {label} pairs", total=len(pairs), every=COMPARED_PER_REPORT
        ):
            if a not in names or b not in names or (a, b) in found:
                continue
            similarity = fuzz.token_sort_ratio(names[a], names[b]) / 100
            if similarity < MIN_NAME_SIMILARITY or _numbers(names[a]) != _numbers(names[b]):
                continue  # "Trading 0031" and "Trading 0032" are two registrations, not typos
            shared = sorted(identifiers[a] & identifiers[b])
            if shared:
                score = min(1.0, similarity + SHARED_IDENTIFIER_BONUS * len(shared))
            elif label == "Address":  # same numbers (checked above), same words: one place
                score = similarity
            else:  # a name alone is weak evidence: namesakes are common
                score = similarity * NAME_ONLY_WEIGHT
            if score < threshold:
                continue
            reasons = [f"names {names[a]!r} and {names[b]!r} are {similarity:.0%} alike"]
            reasons += [f"both linked to {identifier}" for identifier in shared]
            found[(a, b)] = Candidate(a, b, label, round(score, 3), tuple(reasons))
    return sorted(found.values(), key=lambda c: (-c.score, c.a, c.b))


def candidates_frame(candidates: list[Candidate]) -> pd.DataFrame:
    """The proposals as a table for the command line."""
    return pd.DataFrame(
        [{"a": c.a, "b": c.b, "label": c.label, "score": c.score, "reasons": "; ".join(c.reasons)} for c in candidates],
        columns=["a", "b", "label", "score", "reasons"],
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    from graph.store import open_store, open_workspace
    from graph.views.tables import FORMATS, format_frame

    parser = argparse.ArgumentParser(prog="python -m ingest resolve", description="Propose likely duplicates.")
    parser.add_argument("--threshold", type=float, default=0.85, help="lowest score to propose (0-1)")
    parser.add_argument("--labels", help="comma-separated labels to compare (default: the model's resolvable ones)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--apply", action="store_true", help="merge every proposed pair, reversibly")
    args = parser.parse_args(argv)
    with open_store() as store, ConsoleProgress() as progress:
        labels = [label.strip() for label in args.labels.split(",") if label.strip()] if args.labels else None
        for label in labels or ():
            store.model.label(label)
        candidates = propose(store, labels=labels, threshold=args.threshold, progress=progress)
        frame = candidates_frame(candidates)
        if args.apply:
            frame["judgement"] = apply(store, open_workspace(), candidates, progress=progress)
    print(format_frame(frame, args.format))
    return 0


def apply(
    store: GraphStore, workspace: Workspace, candidates: list[Candidate], *, progress: Progress = SILENT
) -> list[str]:
    """Merge each pair (the second key into the first), best first; a pair whose node
    an earlier merge of this run already absorbed is left alone. Returns judgement ids.
    Reports between merges: a cancel leaves every merge whole (each is recorded and can
    be undone) and the later ones not made."""
    from ingest.merge import merge

    absorbed: set[str] = set()
    judgements = []
    for candidate in progress.track(candidates, "merging likely duplicates", total=len(candidates), every=1):
        if absorbed & {candidate.a, candidate.b}:
            judgements.append("")
            continue
        judgements.append(
            merge(store, workspace, candidate.a, candidate.b, why=list(candidate.reasons), score=candidate.score)
        )
        absorbed.add(candidate.b)
    return judgements
