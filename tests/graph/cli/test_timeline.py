"""``python -m graph timeline`` on the configured store: the events of a view in date
order with their sources, undated nodes last, hostile names as text, bad input named."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable

import pytest

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from ingest.demo import generate, load
from tests.conftest import Ran

FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","open")'
MARKUP = "<script>alert(1)</script>"


def test_a_case_timeline_in_csv_and_json(store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]) -> None:
    load(store, generate(4, seed=1))
    store.upsert_nodes(
        [
            NodeRecord(("Seizure",), "SZ-EVIL", {"name": FORMULA, "date": dt.date(2023, 9, 1)}, source="scrape.csv:7"),
            NodeRecord(("SalesChannel",), "SC-EVIL", {"name": MARKUP}, source="scrape.csv:8"),
        ]
    )
    store.upsert_relationships(
        [
            RelationshipRecord("INVOLVES", "CASE-001", "SZ-EVIL", {"role": "evidence"}, source="t"),
            RelationshipRecord("INVOLVES", "CASE-001", "SC-EVIL", {"role": "target"}, source="t"),
        ]
    )
    store.close()
    done = cli(store_env, "graph", "timeline", "--center", "CASE-001", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["date", "key", "label", "name", "event", "role", "sources"]
    dated = [row for row in rows if row["date"]]
    assert [row["date"] for row in dated] == sorted(row["date"] for row in dated)
    evil = next(row for row in rows if row["key"] == "SZ-EVIL")
    assert evil["name"] == "'" + FORMULA and evil["sources"] == "scrape.csv:7"  # a formula is text in a spreadsheet
    assert next(row for row in rows if row["key"] == "SC-EVIL")["name"] == MARKUP
    assert [(row["key"], row["event"]) for row in dated if row["key"] == "CASE-001"] == [
        ("CASE-001", "opened"),
        ("CASE-001", "closed"),
    ]
    undated = [row for row in rows if not row["date"]]
    assert undated == rows[len(dated) :] and {row["role"] for row in undated} == {"undated"}
    assert (
        f"note: undated nodes: {len(undated)} of the view's {len(undated) + len({r['key'] for r in dated})} ("
        in done.stderr
    )
    wider = cli(store_env, "graph", "timeline", "--center", "CASE-001", "--hops", "2", "--format", "json")
    events = json.loads(wider.stdout)
    assert len(events) > len(rows) and {"SHL-001-0", "PER-001-O -[OWNS]-> SHL-001-0"} <= {e["key"] for e in events}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--center", "NOPE"], "error: no node with key 'NOPE'"),
        (["--center", "CASE-001", "--hops", "0"], "error: argument --hops: '0' is not a number of hops"),
        (["--center", "CASE-001", "--hops", "99"], "error: argument --hops: '99' is not a number of hops"),
        (["--hops", "2"], "the following arguments are required: --center"),
    ],
)
def test_bad_input_is_named(args: list[str], said: str, embedded_store: GraphStore, cli: Callable[..., Ran]) -> None:
    load(embedded_store, generate(1, seed=1))
    embedded_store.close()
    done = cli({"GRAPH_DB": str(embedded_store.path), "KG_READER": "off"}, "graph", "timeline", *args)
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
