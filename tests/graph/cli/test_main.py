"""``python -m graph cypher`` on both stores, as a user runs it: configured from the
environment (in this process, for speed; one test starts a fresh process with a
``.env`` file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store import GraphStore
from tests.conftest import Ran
from tests.graph.store.test_contract import ring

ROOT = Path(__file__).resolve().parents[3]


def test_count_as_json(store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]) -> None:
    ring(store)
    store.close()
    done = cli(store_env, "graph", "cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 8}]


def test_parameters_and_csv(store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]) -> None:
    ring(store)
    store.close()
    done = cli(
        store_env,
        "graph",
        "cypher",
        "MATCH (s:SalesChannel) WHERE s.kind = $kind RETURN s.id AS id, s.name AS name",
        "--param",
        "kind=storefront",
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["id,name", "SC-1,Luxe-Bags-Outlet"]


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Supplier {id: 'X'})",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n) SET n.name = 'x'",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "CALL apoc.create.node(['X'], {})",
    ],
)
def test_writes_are_refused_and_the_store_is_unchanged(
    store: GraphStore, store_env: dict[str, str], query: str, cli: Callable[..., Ran]
) -> None:
    ring(store)
    store.close()
    done = cli(store_env, "graph", "cypher", query)
    assert done.returncode == 2
    assert "read-only" in done.stderr or "not allowed" in done.stderr
    after = cli(store_env, "graph", "cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json")
    assert json.loads(after.stdout) == [{"n": 8}]


def test_errors_are_one_clear_line(store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]) -> None:
    syntax = cli(store_env, "graph", "cypher", "MATCH (n RETURN n")
    assert syntax.returncode == 1 and "syntax error" in syntax.stderr and "Traceback" not in syntax.stderr
    missing = cli(store_env, "graph", "cypher", "MATCH (n) WHERE n.id = $id RETURN n")
    assert missing.returncode == 2 and "missing parameter $id" in missing.stderr
    badtype = cli(store_env, "graph", "cypher", "RETURN $n AS n", "--param", "n:int=many")
    assert badtype.returncode == 2 and "parameter n" in badtype.stderr


def test_every_cypher_run_is_audited_with_its_text(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    env = {**store_env, "KG_AUDIT_LOG": str(tmp_path / "cli-audit.jsonl")}
    read = cli(env, "graph", "cypher", "RETURN $n AS n", "--param", "n:int=7")
    refused = cli(env, "graph", "cypher", "CREATE (n:Supplier {id: 'X'})")
    assert (read.returncode, refused.returncode) == (0, 2)
    lines = [json.loads(line) for line in (tmp_path / "cli-audit.jsonl").read_text().splitlines()]
    assert [(line["query"], line["cypher"], line["params"], bool(line["error"])) for line in lines] == [
        ("ad-hoc", "RETURN $n AS n", {"n": 7}, False),
        ("ad-hoc", "CREATE (n:Supplier {id: 'X'})", {}, True),
    ]
    assert all(line["user"] and line["at"] for line in lines)


def test_credentials_never_reach_the_output(
    neo4j_store: GraphStore, neo4j_settings, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    secret = "Wr0ng-but-s3cret-Passw0rd"
    env.update(NEO4J_URI=neo4j_settings.neo4j_uri, NEO4J_USERNAME="neo4j", NEO4J_PASSWORD=secret)
    done = cli(env, "graph", "cypher", "RETURN 1 AS one")
    assert done.returncode == 1 and "credentials" in done.stderr
    assert secret not in done.stderr + done.stdout


def test_env_file_configures_the_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "GRAPH_DB"}
    (tmp_path / ".env").write_text(f"GRAPH_DB={tmp_path / 'from-env-file.kgl'}\nNEO4J_URI=\n")
    done = subprocess.run(
        [sys.executable, "-m", "graph", "cypher", "RETURN 1 AS one", "--format", "json"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"one": 1}]
    assert (tmp_path / "from-env-file.kgl").exists() is False  # reading creates nothing


def test_json_output_is_strict_json_for_every_value_type(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    ring(store)
    store.close()
    query = (
        "MATCH p = (a)-[r]->(b) WITH a, r, p ORDER BY a.id, b.id LIMIT 1 "
        "RETURN toFloat('NaN') AS nan, toFloat('Infinity') AS inf, -toFloat('Infinity') AS ninf, "
        "date('2024-01-02') AS d, datetime('2024-01-02T03:04:05Z') AS dt, duration('P1Y2M3DT4H') AS dur, "
        "point({latitude: 1.5, longitude: 2.5}) AS geo, [1, [2, {k: [toFloat('NaN')]}]] AS nested, "
        "a AS node, r AS rel, p AS path"
    )
    done = cli(store_env, "graph", "cypher", query, "--format", "json")
    assert done.returncode == 0, done.stderr

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    [row] = json.loads(done.stdout, parse_constant=refuse)
    assert (row["nan"], row["inf"], row["ninf"]) == ("NaN", "Infinity", "-Infinity")
    assert (row["d"], row["dt"]) == ("2024-01-02", "2024-01-02T03:04:05+00:00")
    assert row["nested"] == [1, [2, {"k": ["NaN"]}]]
    assert row["node"]["key"] == row["rel"]["start"] == row["path"]["nodes"][0]["key"]
    assert row["dur"] == {"months": 14, "days": 3, "seconds": 14400}  # alike on both stores
    assert row["geo"] == {"latitude": 1.5, "longitude": 2.5}


@pytest.mark.parametrize(
    ("bound", "value"),
    [
        ("--limit", "-1"),
        ("--limit", "0"),
        ("--limit", "99999999999999999999"),
        ("--timeout", "0"),
        ("--timeout", "-1"),
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "1e300"),
    ],
)
@pytest.mark.parametrize("command", [["cypher", "RETURN 1 AS one"], ["query", "repeat_offenders"]])
def test_bounds_that_would_fail_or_switch_off_are_named(
    command: list[str], bound: str, value: str, cli: Callable[..., Ran]
) -> None:
    done = cli({}, "graph", *command, bound, value)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"error: argument {bound}: {value!r} is not a number of" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cypher", "RETURN $n AS n", "--param", "n:int=99999999999999999999"], "parameter 'n': 9999"),
        (["cypher", "RETURN $n AS n", "--param", 'n:json={"a": [-99999999999999999999]}'], "parameter 'n': {'a'"),
        (["query", "brands_most_infringed", "--param", "max_rows=-1"], "'max_rows': -1 is less than its minimum 1"),
        (["query", "brands_most_infringed", "--param", "max_rows=99999999999999999999"], "parameter 'max_rows'"),
    ],
)
def test_integers_no_store_holds_are_named(args: list[str], message: str, cli: Callable[..., Ran]) -> None:
    done = cli({}, "graph", *args)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: ") and message in done.stderr
