"""The demo network: deterministic, written as neo4j-admin CSV that ingest loads whole,
with its ground truth beside it."""

from __future__ import annotations

import csv
import datetime as dt
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


def _truth_events(folder: Path) -> list[dict[str, str]]:
    with (folder / "truth" / "events.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_tells_its_story_in_time(tmp_path: Path) -> None:
    demo = generate(60, seed=2)
    write_admin_csv(demo, tmp_path)
    events = _truth_events(tmp_path)
    day = {(e["id"], e["type"], e["end"], e["property"]): dt.date.fromisoformat(e["date"]) for e in events}
    node_day = {(key, prop): when for (key, rel, _, prop), when in day.items() if not rel}
    links = {(r.type, r.start, r.end) for r in demo.relationships}
    ring_of = demo.ring_of
    first_shipment: dict[int, dt.date] = {}
    for (key, prop), when in node_day.items():
        if prop == "shipped":
            first_shipment[ring_of[key]] = min(when, first_shipment.get(ring_of[key], when))
    shells = [key for key, prop in node_day if prop == "incorporated"]
    assert len(shells) == sum(1 for n in demo.nodes if "ShellCompany" in n.labels and not n.key.endswith("-V"))
    for shell in shells:  # incorporated before the factories supply it, and before any container ships
        assert node_day[shell, "incorporated"] < first_shipment[ring_of[shell]]
        supplies = [when for (start, rel, end, prop), when in day.items() if rel == "SUPPLIES" and end == shell]
        assert supplies and min(supplies) >= node_day[shell, "incorporated"]
    for seizure in [key for key, prop in node_day if prop == "date"]:
        shipment = next(end for rel, start, end in links if rel == "SEIZED" and start == seizure)
        assert node_day[shipment, "shipped"] < node_day[shipment, "arrived"] <= node_day[seizure, "date"]
    for e in events:
        if e["step"] == "case opened":  # months after the first seizure the case involves
            seized = [node_day[end, "date"] for rel, start, end in links if start == e["id"] and end.startswith("SZ-")]
            assert (
                seized
                and node_day[e["id"], "opened"] > min(seized)
                and e["after"] in {end for rel, start, end in links if start == e["id"]}
            )
    assert 0 < sum(e["step"] == "case closed" for e in events) < sum(e["step"] == "case opened" for e in events)
    relisted = [e for e in events if e["step"] == "storefront relisted"]
    assert relisted, "some rings relist after a takedown"
    for e in relisted:  # created after the storefront it follows was taken down, sharing its identifiers
        gone = e["after"]
        assert dt.date.fromisoformat(e["date"]) > node_day[gone, "taken_down"] > node_day[gone, "created"]
        shared = {end for rel, start, end in links if start == e["id"] and rel in ("HAS_PHONE", "HAS_EMAIL")}
        assert shared and shared <= {end for rel, start, end in links if start == gone}
    for (key, prop), when in node_day.items():  # a website's domain is registered before it is listed
        if prop == "registered":
            websites = [start for rel, start, end in links if rel == "HAS_DOMAIN" and end == key]
            assert all(when < node_day[site, "created"] for site in websites)
    dissolved = [e for e in events if e["step"] == "shell dissolved"]
    assert dissolved and all(node_day[e["id"], "dissolved"] > node_day[e["after"], "closed"] for e in dissolved)


def test_the_story_is_in_the_loaded_graph(tmp_path: Path) -> None:
    demo = generate(6, seed=2)
    write_admin_csv(demo, tmp_path / "demo")
    store = EmbeddedStore(tmp_path / "graph.kgl")
    load_paths(store, [tmp_path / "demo"])
    events = _truth_events(tmp_path / "demo")
    for e in (e for e in events if e["kind"] == "node"):
        found = store.query(f"MATCH (n {{id: $id}}) RETURN n.{e['property']} AS d", {"id": e["id"]})
        assert found.iloc[0]["d"] == dt.date.fromisoformat(e["date"]), e
    until = [e for e in events if e["type"] == "DIRECTS" and e["property"] == "until"]
    assert until, "relationships' dates load too"
    for e in until:
        found = store.query(
            "MATCH (:Person {id: $start})-[r:DIRECTS]->(:ShellCompany {id: $end}) RETURN r.until AS d",
            {"start": e["id"], "end": e["end"]},
        )
        assert found.iloc[0]["d"] == dt.date.fromisoformat(e["date"])
