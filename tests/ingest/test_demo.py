"""The demo network: deterministic, written as neo4j-admin CSV that ingest loads whole,
with its ground truth beside it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from graph.store.embedded_engine import EmbeddedStore
from ingest.demo import generate, write_admin_csv
from ingest.loader import load_paths

ROOT = Path(__file__).resolve().parents[2]


def test_same_seed_same_network() -> None:
    assert generate(5, seed=3) == generate(5, seed=3)
    assert generate(5, seed=3) != generate(5, seed=4)


def test_written_files_load_whole_with_their_truth(tmp_path: Path) -> None:
    demo = generate(20, seed=1)
    write_admin_csv(demo, tmp_path / "demo")
    store = EmbeddedStore(tmp_path / "graph.kgl")
    reports = load_paths(store, [tmp_path / "demo"])
    assert not any(r.rejects for r in reports)
    counts = store.counts()
    assert (counts.nodes, counts.relationships) == (len(demo.nodes), len(demo.relationships))
    rings = dict(list(csv.reader((tmp_path / "demo" / "truth" / "rings.csv").open()))[1:])
    assert len(set(rings.values())) == 20 and rings["SUP-000-0"] == "0"
    variants = list(csv.reader((tmp_path / "demo" / "truth" / "variants.csv").open()))[1:]
    assert variants and all(variant == f"{entity}-V" for variant, entity in variants)
    name = store.query("MATCH (s:ShellCompany {id: $id}) RETURN s.incorporated AS d", {"id": "SHL-000-0"})
    assert name.iloc[0]["d"] is not None  # typed columns come back typed


def test_cli_scales_the_network(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "demo", "--out", str(tmp_path / "d"), "--scale", "2400"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = sum(1 for _ in (tmp_path / "d" / "truth" / "rings.csv").open()) - 1
    assert 2000 < rows < 3000
