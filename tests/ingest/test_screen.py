"""Batch screening: a list of names and identifiers finds the demo's entities with scores,
reasons and the cases they touch, on both stores; bad lists are named, not crashed on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.records import NodeRecord
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from ingest.demo import Demo, generate, load
from ingest.screen import ScreeningError, ScreenRow, name_score, problems, read_list, screen
from tests.conftest import Ran


@pytest.fixture(scope="module")
def demo() -> Demo:
    return generate(6, seed=5)


def _name(demo: Demo, key: str) -> str:
    return str(next(node.properties["name"] for node in demo.nodes if node.key == key))


def _cases_of_ring(demo: Demo, ring: int) -> set[str]:
    return {key for key, r in demo.ring_of.items() if r == ring and "Case" in _labels(demo, key)}


def _labels(demo: Demo, key: str) -> tuple[str, ...]:
    return next(node.labels for node in demo.nodes if node.key == key)


def test_a_list_finds_entities_by_name_and_identifiers_with_reasons_and_cases(store: GraphStore, demo: Demo) -> None:
    load(store, demo)
    shell = _name(demo, "SHL-000-0")  # "Evergreen Trading 0000 Limited"
    national = _name(demo, "PHN-001").removeprefix("+86 ")
    rows = [
        ScreenRow(2, {"company": shell.upper().replace("LIMITED", "CO., LTD."), "country": "Hong Kong"}),
        ScreenRow(3, {"phone": national}),
        ScreenRow(4, {"email": _name(demo, "EML-002").upper(), "url": f"https://www.{_name(demo, 'DOM-003')}/shop"}),
        ScreenRow(5, {"seller_id": "SC-004-0"}),
    ]
    hits = screen(store, rows, region="CN")
    by_row = {row.row: [hit for hit in hits if hit.row == row.row] for row in rows}

    best = by_row[2][0]
    assert best.key in {"SHL-000-0", "SHL-000-0-V"} and best.score == 1.0
    assert {hit.key for hit in by_row[2]} >= {"SHL-000-0", "SHL-000-0-V"}  # the planted variant too
    assert best.reasons[0].endswith("100% alike") and "country HK is the same" in best.reasons
    [phone_hit] = by_row[3]
    assert (phone_hit.key, phone_hit.score) == ("PHN-001", 1.0)
    assert phone_hit.reasons == (f"phone +86 {national[:3]} {national[3:7]} {national[7:]} is the same",)
    assert _cases_of_ring(demo, 1) & {case.split("(")[-1].rstrip(")") for case in phone_hit.cases}
    assert {hit.key for hit in by_row[4]} == {"EML-002", "DOM-003"}
    assert [hit.key for hit in by_row[5]] == ["SC-004-0"] and by_row[5][0].reasons == ("id SC-004-0 is the same",)
    assert all(hit.cases for hit in hits if hit.key.startswith(("PHN", "EML", "SC")))  # their rings' cases


def test_a_phone_without_its_country_code_meets_the_stored_one_only_by_its_national_number(
    store: GraphStore, demo: Demo
) -> None:
    load(store, demo)
    national = _name(demo, "PHN-000").removeprefix("+86 ")
    [hit] = screen(store, [ScreenRow(2, {"phone": national})])  # no region: no country assumed
    assert (hit.key, hit.score) == ("PHN-000", 0.9)
    assert "one gives no country code" in hit.reasons[0]
    assert screen(store, [ScreenRow(2, {"phone": national})], region="US") == []  # +1 ... is another number


def test_names_differing_in_a_number_or_a_country_score_lower(store: GraphStore, demo: Demo) -> None:
    load(store, demo)
    assert name_score("Apex Trading 0030 Limited", "Apex Trading 0031 Ltd")[0] < 0.8
    assert name_score("Alfa Bank", "Alfa-Bank") == (1.0, "name 'Alfa Bank' and 'Alfa-Bank' 100% alike")
    shell = _name(demo, "SHL-000-0")
    hits = screen(store, [ScreenRow(2, {"name": shell, "country": "Germany"})], threshold=0.85)
    assert hits and all(hit.score == 0.9 for hit in hits)
    assert "country differs (DE in the list, HK in the graph)" in hits[0].reasons
    assert screen(store, [ScreenRow(2, {"name": "Nobody Anywhere Ltd"})]) == []
    first, last = _name(demo, "PER-000-O").split()
    assert "PER-000-O" in {hit.key for hit in screen(store, [ScreenRow(2, {"name": f"{last.upper()}, {first}"})])}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_list_is_named_by_file_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match="empty"):
        read_list(_write(tmp_path / "empty.csv", ""))
    with pytest.raises(ScreeningError, match=r"row 1: no column to screen by .*'vendor'"):
        read_list(_write(tmp_path / "odd.csv", "vendor,amount\nAcme,3\n"))
    rows, notes = read_list(_write(tmp_path / "list.csv", "Name,Phone,Notes,IBAN\nAcme,call me,x,\n,,y,DE00 1234\n"))
    assert [row.row for row in rows] == [2, 3]
    assert notes == [f"{tmp_path / 'list.csv'}: column 'notes' is not one screening reads; ignored"]
    assert problems(rows, source="list.csv") == [
        "list.csv: row 2, column 'phone': 'call me' is not a phone number"
        " (only digits, spaces and + ( ) - . / belong in one); not screened",
        "list.csv: row 3, column 'iban': 'DE00 1234' is not an IBAN"
        " (The number's checksum or check digit is invalid.); not screened",
    ]


def test_the_screen_command_writes_hits_and_warns_per_row(
    embedded_store: EmbeddedStore, demo: Demo, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    load(embedded_store, demo)
    embedded_store.upsert_nodes(
        [NodeRecord(("Company",), "EVIL-1", {"name": '=HYPERLINK("http://x.example") Trading'}, source="scrape")]
    )
    embedded_store.close()
    env = {"GRAPH_DB": str(embedded_store.path), "KG_WORKSPACE": str(tmp_path / "ws.sqlite")}
    listed = _write(
        tmp_path / "list.csv",
        f"company,phone\nHYPERLINK http://x.example Trading,\n,call me\n,{_name(demo, 'PHN-002')}\n",
    )
    ran = cli(env, "ingest", "screen", str(listed), "--format", "csv", "--threshold", "0.9")
    assert ran.returncode == 0, ran.stderr
    assert "row 3, column 'phone': 'call me' is not a phone number" in ran.stderr
    assert ran.stdout.startswith("row,query,score,label,key,name,reasons,cases\n")
    assert "'=HYPERLINK" in ran.stdout and ",=HYPERLINK" not in ran.stdout  # formulas neutralised
    assert ",PHN-002," in ran.stdout
    as_json = json.loads(cli(env, "ingest", "screen", str(listed), "--format", "json").stdout)
    assert {hit["key"] for hit in as_json} >= {"EVIL-1", "PHN-002"}
    refused = cli(env, "ingest", "screen", str(_write(tmp_path / "odd.csv", "vendor\nAcme\n")))
    assert refused.returncode == 2 and "no column to screen by" in refused.stderr and "Traceback" not in refused.stderr
    assert "country" in cli(env, "ingest", "screen", "--help").stdout  # the columns it reads are said
