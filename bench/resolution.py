"""Entity resolution: precision and recall on data nobody here wrote, and time at scale.

    python bench/resolution.py [--sizes 100000,1000000] [--skip-real]

1. **Planted users** (``../shared/datasets/entity-resolution/Users.csv``), loaded with the
   example mapping a user could write from the README
   (``ingest/examples/entity_resolution_users.yaml``), resolved with ``python -m ingest
   resolve``'s defaults. The upstream guide lists no duplicates, so the truth is labelled
   by hand below (:data:`USERS_SAME`, read off the file: one person's profiles share a
   phone, an e-mail or its mailbox name, and their names are variants); pairs we could
   not tell apart by reading (:data:`USERS_UNSURE`) count neither way.
2. **FinCEN bank spellings** (``../shared/datasets/icij-fincen``): a node per spelling of
   each bank (``{bank_id}|{bank name}``), with its country, loaded with
   ``bench/fincen_banks.yaml``; the truth is ICIJ's bank id (two spellings are one bank
   when ICIJ gave them one id). ICIJ also gave one bank several ids ("Banco Bradesco
   S.A." is both ``banco-bradesco-sa-brazil-bra`` and ``banco-bradesco-s-a-brazil-bra``),
   so the bench also prints the figures with the ids that differ only in hyphens
   and legal-form words (:func:`_same_bank_id`) taken as one, and the ceiling any
   resolver comparing names and countries meets: the share of pairs that read the same
   and have one id.
3. **Time** for generated records (companies with a country, a phone for most, and
   planted spelling variants: legal forms, typos, word order), 100,000 and 1,000,000 by
   default, with precision and recall against the generator's truth, and as a ratio to
   the least any resolver does, timed in the same run: cleaning every name and grouping
   the records whose cleaned names are equal.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from graph.model import Resolution  # noqa: E402
from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.workspace import Workspace  # noqa: E402
from ingest.loader import load_mapped  # noqa: E402
from ingest.resolution.engine import DEFAULT_THRESHOLD, Record, cleaned_name, find_duplicates, frame  # noqa: E402
from ingest.resolution.propose import propose  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
USERS = SHARED / "entity-resolution" / "Users.csv"
FINCEN = SHARED / "icij-fincen"

#: Profiles of one person, by userId (read off Users.csv).
USERS_SAME = [
    {19, 210}, {97, 327}, {162, 234}, {164, 269}, {197, 465}, {207, 222}, {228, 261, 417}, {233, 283},
    {252, 296, 323}, {275, 326}, {287, 298}, {290, 457}, {306, 365}, {333, 420},
]  # fmt: skip
#: Name variants on one IP address with nothing else in common: one person or relatives.
USERS_UNSURE = [{24, 60}, {277, 330}]


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in itertools.combinations(sorted(set(group)), 2)}


def _score(found: set[tuple[str, str]], truth: set[tuple[str, str]], unsure: set = frozenset()) -> str:
    judged = found - unsure
    right = len(judged & truth)
    precision = right / len(judged) if judged else 1.0
    recall = right / len(truth) if truth else 1.0
    counts = f"{right} of {len(judged)} proposed pairs right, {len(truth)} true"
    return f"precision {precision:.3f}, recall {recall:.3f} ({counts})"


def _loaded(folder: Path, mapped: list[tuple[Path, Path]]) -> tuple[EmbeddedStore, Workspace]:
    """A fresh embedded store with each (file, mapping) loaded."""
    store = EmbeddedStore(folder / "graph.kgl")
    for path, mapping in mapped:
        load_mapped(store, mapping, [path])
    return store, Workspace(folder / "workspace.sqlite")


def planted_users(folder: Path) -> None:
    store, workspace = _loaded(folder, [(USERS, ROOT / "ingest/examples/entity_resolution_users.yaml")])
    started = time.perf_counter()
    proposals = propose(store, workspace, labels=["User"])
    seconds = time.perf_counter() - started
    found = {tuple(sorted((p.a, p.b))) for p in proposals}
    truth = _pairs([f"U-{i}" for i in group] for group in USERS_SAME)
    unsure = _pairs([f"U-{i}" for i in group] for group in USERS_UNSURE)
    print(f"planted users ({len(store.read('MATCH (u:User) RETURN u.name'))} users, {seconds:.1f} s): "
          f"{_score(found, truth, unsure)}")  # fmt: skip


def _same_bank_id(bank_id: str) -> str:
    """An ICIJ bank id without the hyphens and legal forms that split one bank's ids."""
    words = [w for w in bank_id.split("-") if w and w not in _ID_NOISE]
    return "".join(words)


_ID_NOISE = {"sa", "s", "a", "nv", "n", "v", "ag", "ltd", "limited", "plc", "as", "ab", "bv", "llc", "inc", "the"}


def fincen(folder: Path) -> None:
    store, workspace = _loaded(
        folder,
        [
            (FINCEN / "download_transactions_map.csv", ROOT / "bench" / "fincen_banks.yaml"),
            (FINCEN / "download_bank_connections.csv", ROOT / "bench" / "fincen_concerned.yaml"),
        ],
    )
    started = time.perf_counter()
    proposals = propose(store, workspace, labels=["Bank"])
    seconds = time.perf_counter() - started
    rows = store.read("MATCH (b:Bank) RETURN b._kg_key AS key, b.bank_id AS bank, b.country AS country, b.name AS name")
    banks = pd.DataFrame(rows)
    found = {tuple(sorted((p.a, p.b))) for p in proposals}
    truth = _pairs(banks.groupby("bank")["key"].apply(list))
    banks["merged"] = banks["bank"].map(_same_bank_id)
    banks["country"] = banks["country"].fillna("")
    merged_truth = _pairs(banks.groupby("merged")["key"].apply(list))
    print(f"FinCEN bank spellings ({len(banks):,} spellings of {banks['bank'].nunique():,} ids, {seconds:.1f} s):")
    print(f"  truth = ICIJ's bank id: {_score(found, truth)}")
    print(f"  truth = ICIJ's ids without hyphens and legal forms: {_score(found, merged_truth)}")
    banks["cleaned"] = [cleaned_name("Bank", name) or "" for name in banks["name"]]
    alike = _pairs(banks.groupby(["cleaned", "country"])["key"].apply(list))
    print(
        f"  ceiling: {len(alike):,} pairs read the same once cleaned, in one country; {len(alike & truth)} of them "
        f"have one ICIJ id ({len(alike & truth) / len(alike):.1%}): no comparison of names and countries tells "
        "the others apart"
    )


# --- generated records ------------------------------------------------------------

_SYLLABLES = "ka lo mi sun tai an ber vo ri da chen wei ho lu na zen mar tek sol vi ra po li ton gra fel".split()
_TRADES = "trading textiles electronics leather garments logistics imports exports watches footwear".split()
_FORMS = ["Co., Ltd.", "Limited", "LLC", "GmbH", "S.A.", "Inc.", "Ltd", "Company Limited", "Pte Ltd", ""]
_COUNTRIES = ["CN", "HK", "TR", "AE", "TH", "VN", "IN", "PK", "BR", "US", "GB", "DE", "IT", "MX", "PY"]


def _word(rng: random.Random) -> str:
    """A made-up name word ("Kalosun"): 15,625 of them, so namesakes are as rare as in life."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)).title()


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(text) - 1))
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def _variant(name: str, form: str, rng: random.Random) -> str:
    words = name.split()
    kind = rng.choice(["form", "typo", "case", "order"])
    if kind == "form":
        return f"{name} {rng.choice([f for f in _FORMS if f != form])}".strip()
    if kind == "typo":
        i = rng.randrange(len(words))
        words[i] = _typo(words[i], rng) if len(words[i]) > 3 else words[i]
        return f"{' '.join(words)} {form}".strip()
    if kind == "case":
        return f"{name.upper()} {form.upper()}".strip()
    return f"{' '.join([words[1], words[0], *words[2:]])} {form}".strip()


def generated(size: int, seed: int = 7) -> tuple[list[Record], set[tuple[str, str]]]:
    """``size`` company records, one in ten a spelling variant of another (its twin)."""
    rng = random.Random(seed)
    records, truth = [], set()
    originals = int(size / 1.1)
    for i in range(originals):
        form = rng.choice(_FORMS)
        name = f"{_word(rng)} {_word(rng)} {rng.choice(_TRADES).title()}"
        name += f" {rng.randrange(1, 5000)}" if rng.random() < 0.3 else ""
        country = rng.choice(_COUNTRIES)
        phones = [f"+{rng.randrange(10**9, 10**10)}"] if rng.random() < 0.7 else []
        records.append(Record(f"C{i}", f"{name} {form}".strip(), {"country": country}, {"Phone": phones}))
        if len(records) < size and rng.random() < 0.1 * 1.1 * 1.1:
            twin = f"C{i}-V"
            kept = phones if rng.random() < 0.6 else []
            records.append(Record(twin, _variant(name, form, rng), {"country": country}, {"Phone": kept}))
            truth.add(tuple(sorted((f"C{i}", twin))))
    return records[:size], truth


def at_scale(size: int) -> None:
    """Resolution's time against the least any resolver does, measured in the same run:
    clean every name and group the records whose cleaned names are equal (pandas)."""
    records, truth = generated(size)
    resolution = Resolution(compare={"country": "exact"})
    started = time.perf_counter()
    table = frame("Company", records, resolution, ["Phone"])
    table.groupby(["name_key", "p_country"])["unique_id"].agg(list)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    proposals = find_duplicates("Company", records, resolution)
    seconds = time.perf_counter() - started
    found = {(p.a, p.b) for p in proposals}
    print(
        f"{size:,} generated records: {seconds:.0f} s ({size / seconds:,.0f} records/s), "
        f"{seconds / floor:.1f}x the time to clean the names and group equal ones ({floor:.0f} s); "
        f"{_score(found, truth)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="generated record counts to time")
    parser.add_argument("--skip-real", action="store_true", help="only the generated records")
    args = parser.parse_args(argv)
    print(f"default threshold {DEFAULT_THRESHOLD}")
    if not args.skip_real:
        with tempfile.TemporaryDirectory() as users, tempfile.TemporaryDirectory() as banks:
            planted_users(Path(users))
            fincen(Path(banks))
    for size in (int(s) for s in args.sizes.split(",") if s):
        at_scale(size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
