"""Batch screening: how many planted rows it finds, and its time beside searching each row
by hand in the app.

    python bench/screening.py [--scale 100000] [--rows 200]

The demo network (``--scale`` nodes) in a fresh embedded store, and a list of ``--rows``
rows drawn from it the way lists arrive: a shell company's name in capitals with another
legal form ("EVERGREEN TRADING 0000 CO., LTD." for "... Limited"), or its planted
spelling variant; a ring's phone without its country code (read with ``--phone-region
CN``); its e-mail in capitals; its website's URL; and a tenth of the rows naming nobody.

* Found: a row's planted node among its hits (for a variant's row, the entity it repeats
  too); wrong: a hit of a row that names nobody.
* The reference: the app's entity search (:func:`graph.views.search.find_entities`) of
  each row's text, what an investigator would otherwise type row by row, measured in the
  same run; screening's time is printed as a ratio of it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.views.search import find_entities  # noqa: E402
from ingest.demo import NODES_PER_RING, Demo, generate, load  # noqa: E402
from ingest.screen import ScreenRow, screen  # noqa: E402

NOBODY = ["Nordlicht Handels GmbH", "Aurora Textiles S.A.", "Казанский Трейдинг ООО", "Pacific Rim Holdings Inc."]


def planted_rows(demo: Demo, count: int, seed: int = 3) -> tuple[list[ScreenRow], dict[int, set[str]]]:
    """Rows of a list drawn from the demo, and the keys each should find (none: a miss)."""
    rng = random.Random(seed)
    names = {node.key: str(node.properties.get("name", "")) for node in demo.nodes}
    variants = {entity: variant for variant, entity in demo.variant_of.items()}
    shells = sorted(key for key in names if key.startswith("SHL-") and key not in demo.variant_of)
    phones = sorted(key for key in names if key.startswith("PHN-"))
    emails = sorted(key for key in names if key.startswith("EML-"))
    domains = sorted(key for key in names if key.startswith("DOM-"))
    rows, truth = [], {}
    for number in range(2, count + 2):
        kind = rng.choice(
            ["shell", "shell", "variant", "phone", "email", "url", "nobody"] if number % 10 else ["nobody"]
        )
        if kind == "variant" and variants:
            entity = rng.choice(sorted(variants))
            values, expected = {"company": names[variants[entity]]}, {entity, variants[entity]}
        elif kind in ("shell", "variant"):
            key = rng.choice(shells)
            values, expected = {"company": names[key].upper().replace("LIMITED", "CO., LTD.")}, {key}
        elif kind == "phone":
            key = rng.choice(phones)
            values, expected = {"phone": names[key].removeprefix("+86 ")}, {key}
        elif kind == "email":
            key = rng.choice(emails)
            values, expected = {"email": names[key].upper()}, {key}
        elif kind == "url":
            key = rng.choice(domains)
            values, expected = {"url": f"https://www.{names[key]}/shop?ref=1"}, {key}
        else:
            values, expected = {"company": rng.choice(NOBODY)}, set()
        rows.append(ScreenRow(number, values))
        truth[number] = expected
    return rows, truth


def by_hand(store: EmbeddedStore, rows: list[ScreenRow]) -> float:
    """The reference: the app's search of each row's text, one row after another."""
    started = time.perf_counter()
    for row in rows:
        find_entities(store, next(iter(row.values.values())), limit=10)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="about how many demo nodes")
    parser.add_argument("--rows", type=int, default=200, help="rows in the list")
    args = parser.parse_args(argv)
    demo = generate(max(1, args.scale // NODES_PER_RING), seed=7)
    rows, truth = planted_rows(demo, args.rows)
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "graph.kgl")
        started = time.perf_counter()
        load(store, demo)
        store.prepare_search()
        print(f"{len(demo.nodes):,} nodes loaded and indexed in {time.perf_counter() - started:.1f} s")
        reference = by_hand(store, rows)
        started = time.perf_counter()
        hits = screen(store, rows, region="CN")
        took = time.perf_counter() - started
        store.close()
    found = {row: {hit.key for hit in hits if hit.row == row} for row in truth}
    planted = [row for row, keys in truth.items() if keys]
    complete = sum(truth[row] <= found[row] for row in planted)
    wrong = sum(bool(found[row]) for row, keys in truth.items() if not keys)
    print(f"rows: {len(rows)} ({len(planted)} planted, {len(rows) - len(planted)} naming nobody)")
    print(f"found: {complete} of {len(planted)} planted rows found whole; {wrong} rows naming nobody had a hit")
    print(f"screening {took:.2f} s; the app's search of each row {reference:.2f} s; ratio {took / reference:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
