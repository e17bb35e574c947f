"""``python -m ingest check MAP FILE``: the first rows as the nodes and links a load
would make, every problem named by file, row and column, and nothing written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATASETS, Ran

EXAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "examples"
USERS = SHARED_DATASETS / "entity-resolution" / "Users.csv"
HEADER = (
    "seizure_ref,detained_on,port,agency,container,loaded_at,shipper,consignee,"
    "consignee_address,consignee_country,hs_code,goods,brand,items,value_eur\n"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A graph file and a workspace that do not exist yet."""
    return {"GRAPH_DB": str(tmp_path / "g.kgl"), "KG_WORKSPACE": str(tmp_path / "ws.sqlite"), "KG_READER": "off"}


def _files(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir() if path.is_file()}


def test_check_shows_the_rows_as_nodes_and_links_and_creates_no_graph_nor_workspace(
    env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    mapping, table = EXAMPLES / "customs_seizures.yaml", EXAMPLES / "customs_seizures.csv"
    shown = cli(env, "ingest", "check", str(mapping), str(table), "--rows", "2")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"{table}: 2 row(s) read through customs_seizures.yaml" and lines[-1] == "0 problem(s)"
    seizure = next(line for line in lines if "SZ-NL-2025-0412" in line and " node " in line).split()
    assert seizure[:4] == ["2", "node", "Seizure", "SZ-NL-2025-0412"]
    assert "date=2025-02-03;" in seizure and "value=86400.0" in seizure  # typed and cleaned as a load would
    assert any(line.split()[:6] == ["3", "link", "SEIZED", "SZ-NL-2025-0419", "->", "SHP-TGHU"] for line in lines)
    made = json.loads(cli(env, "ingest", "check", str(mapping), str(table), "--format", "json").stdout)
    assert made["rows"] == 3 and made["problems"] == []
    assert made["nodes"][0] == {
        "row": 2,
        "labels": ["Seizure"],
        "key": "SZ-NL-2025-0412",
        "properties": {
            "id": "SZ-NL-2025-0412",
            "name": "NL-2025-0412",
            "date": "2025-02-03",
            "port": "Rotterdam",
            "agency": "Douane",
            "quantity": 1200,
            "value": 86400.0,
        },
        "source": "customs_seizures.csv:2",
    }
    assert {"row": 2, "type": "CONSIGNED_TO", "from": "SHP-MSKU 4471209", "to": "CO-creme-trading-limited"} in [
        {k: link[k] for k in ("row", "type", "from", "to")} for link in made["links"]
    ]
    assert sorted(_files(tmp_path)) == []  # no graph, no workspace, nothing beside them


def test_check_names_every_problem_by_file_row_and_column(
    env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    table = tmp_path / "data" / "t.csv"
    table.parent.mkdir()
    table.write_text(
        HEADER + "A-1,31/02/2025,P,G,C1,L,S,C,AD,HK,1,g,B,lots,1\n"
        ",01/01/2025,P,G,C2,L,S,C,AD,HK,1,g,B,2,1\n"
        "A-3,01/01/2025,P\n"
        "A-4,01/01/2025,P,G,C4,L,S,C,AD,HK,1,g,B,4,1\n"
    )
    found = cli(env, "ingest", "check", str(EXAMPLES / "customs_seizures.yaml"), str(table), "--format", "json")
    assert found.returncode == 1
    made = json.loads(found.stdout)
    assert made["problems"] == [
        {
            "file": str(table),
            "row": 2,
            "column": "detained_on",
            "problem": "'31/02/2025' is not a date like %d/%m/%Y (day is out of range for month)",
        },
        {
            "file": str(table),
            "row": 2,
            "column": "items",
            "problem": "'lots' is not a int ('lots' is not a whole number)",
        },
        {"file": str(table), "row": 3, "column": "seizure_ref", "problem": "empty, and seizure needs its key"},
        {"file": str(table), "row": 4, "column": None, "problem": "expected 15 fields as in the header, found 3"},
    ]
    assert {node["row"] for node in made["nodes"]} == {5}  # a row with a problem makes nothing, as a load rejects it
    shown = cli(env, "ingest", "check", str(EXAMPLES / "customs_seizures.yaml"), str(table))
    assert "4 problem(s):" in shown.stdout and "seizure_ref" in shown.stdout
    assert sorted(_files(tmp_path)) == []


def test_check_names_a_mapping_the_model_refuses(env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]) -> None:
    (tmp_path / "m.yaml").write_text(
        "nodes:\n  - {as: x, label: Crime, key: '{id}'}\n  - {as: p, label: Person, key: 'P-{name}'}\n"
        "relationships:\n  - {type: SHOUTS_AT, from: p, to: p}\n"
    )
    (tmp_path / "t.csv").write_text("id,name\n1,Ann\n")
    found = json.loads(
        cli(env, "ingest", "check", str(tmp_path / "m.yaml"), str(tmp_path / "t.csv"), "--format", "json").stdout
    )
    [problem] = found["problems"]
    assert problem["file"] == str(tmp_path / "m.yaml") and problem["row"] is None
    assert problem["problem"].startswith("m.yaml: nodes[0]: unknown label 'Crime'")
    (tmp_path / "m.yaml").write_text(
        "nodes:\n  - {as: p, label: Person, key: 'P-{name}'}\nrelationships:\n  - {type: SHOUTS_AT, from: p, to: p}\n"
    )
    refused = cli(env, "ingest", "check", str(tmp_path / "m.yaml"), str(tmp_path / "t.csv"))
    assert refused.returncode == 1 and "unknown relationship type 'SHOUTS_AT'" in refused.stdout


def test_check_reads_the_labels_earlier_loads_declared_and_changes_no_file(
    env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    (tmp_path / "declares.yaml").write_text(
        "declare: {labels: {Warehouse: {display: name}}}\n"
        "nodes:\n  - {as: w, label: Warehouse, key: 'WH-{code}', properties: {name: name}}\n"
    )
    (tmp_path / "uses.yaml").write_text(
        "nodes:\n  - {as: w, label: Warehouse, key: 'WH-{code}', properties: {name: name}}\n"
    )
    (tmp_path / "w.csv").write_text("code,name\n1,Depot\n")
    assert cli(env, "ingest", str(tmp_path / "w.csv"), "--mapping", str(tmp_path / "declares.yaml")).returncode == 0
    before = _files(tmp_path)
    assert "g.kgl" in before and "ws.sqlite" in before
    checked = cli(env, "ingest", "check", str(tmp_path / "uses.yaml"), str(tmp_path / "w.csv"))
    assert checked.returncode == 0, checked.stdout
    assert "WH-1" in checked.stdout
    assert _files(tmp_path) == before


def test_check_reads_as_many_rows_as_asked(env: dict[str, str], cli: Callable[..., Ran]) -> None:
    args = ["ingest", "check", str(EXAMPLES / "storefront_scrape.yaml"), str(EXAMPLES / "storefront_scrape.jsonl")]
    one = json.loads(cli(env, *args, "--rows", "1", "--format", "json").stdout)
    assert one["rows"] == 1 and {node["row"] for node in one["nodes"]} == {1}
    refused = cli(env, *args, "--rows", "0")
    assert refused.returncode == 2 and "give a number of rows from 1 to 10,000" in refused.stderr


@pytest.mark.skipif(not USERS.is_file(), reason=f"the entity-resolution dataset is not at {USERS}")
def test_the_readmes_users_mapping_checks_clean_on_the_whole_file(env: dict[str, str], cli: Callable[..., Ran]) -> None:
    args = ["ingest", "check", str(EXAMPLES / "entity_resolution_users.yaml"), str(USERS), "--rows", "1000"]
    found = cli(env, *args, "--format", "json")
    assert found.returncode == 0, found.stdout[-2000:]
    made = json.loads(found.stdout)
    assert made["rows"] == 500 and made["problems"] == []
    users = [node for node in made["nodes"] if node["labels"] == ["User"]]
    assert len(users) == 500 and users[0]["properties"]["name"] == "Dorette Burbidge"


def test_check_shows_hostile_names_as_text(env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]) -> None:
    (tmp_path / "m.yaml").write_text(
        "nodes:\n  - {as: s, label: SalesChannel, key: 'SC-{id}', properties: {name: name}}\n"
    )
    (tmp_path / "t.csv").write_text('id,name\n1,"evil\u202egnp.exe\n<script>alert(1)</script>"\n', encoding="utf-8")
    args = ["ingest", "check", str(tmp_path / "m.yaml"), str(tmp_path / "t.csv")]
    shown = cli(env, *args)
    assert shown.returncode == 0 and "\u202e" not in shown.stdout
    assert "name=evil[U+202E]gnp.exe\\n<script>alert(1)</script>" in shown.stdout  # on one line, controls visible
    made = cli(env, *args, "--format", "json").stdout
    assert "\u202e" not in made
    assert json.loads(made)["nodes"][0]["properties"]["name"] == "evil\u202egnp.exe\n<script>alert(1)</script>"
