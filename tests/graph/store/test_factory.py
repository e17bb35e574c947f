"""A label or type any load declared is known to every command afterwards, with the
display property it was declared with; known errors are one line, never a traceback."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from graph.store import GraphStore, Settings
from tests.conftest import Ran

MAPPING = """
declare:
  labels: {User: {display: username}}
  relationships: [FOLLOWS]
nodes:
  - {as: user, label: User, key: "U-{handle}", required: true, properties: {username: handle}}
  - {as: friend, label: User, key: "U-{friend}", properties: {username: friend}}
relationships:
  - {type: FOLLOWS, from: user, to: friend}
"""
ACCOUNTS = "handle,friend\nLucky Bags Outlet,Cheap Watches Hub\nLucky Bags Outlett,Cheap Watches Hub\n"


def test_a_label_a_mapping_declared_is_known_to_later_commands(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    store.close()
    (tmp_path / "users.yaml").write_text(MAPPING)
    (tmp_path / "users.csv").write_text(ACCOUNTS)
    loaded = cli(store_env, "ingest", str(tmp_path / "users.csv"), "--mapping", str(tmp_path / "users.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    resolved = cli(store_env, "ingest", "resolve", "--labels", "User", "--threshold", "0.5", "--format", "json")
    assert resolved.returncode == 0, resolved.stderr
    pairs = [(row["a"], row["b"]) for row in json.loads(resolved.stdout)]
    assert pairs == [("U-Lucky Bags Outlet", "U-Lucky Bags Outlett")]  # named by the declared 'username'
    rings = cli(store_env, "graph", "communities", "--labels", "User", "--types", "FOLLOWS", "--no-write")
    assert rings.returncode == 0, rings.stderr
    found = cli(store_env, "graph", "query", "entity_neighbourhood", "--param", "entity=U-Cheap Watches Hub")
    assert found.returncode == 0, found.stderr


def test_unknown_names_are_one_line_and_no_traceback(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    store.close()
    for program, args in (
        ("ingest", ["resolve", "--labels", "Nobody"]),
        ("ingest", ["unmerge", "MERGE-nothing"]),
        ("graph", ["keyplayers", "--types", "NOT_A_TYPE"]),
        ("graph", ["path", "X-1", "X-2"]),
    ):
        done = cli(store_env, program, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_credentials_inside_the_uri_are_used_and_taken_out_of_it() -> None:
    settings = Settings.from_env({"NEO4J_URI": "neo4j+s://ana:p%40ss%3Aw0rd@db.example.org:7687"}, env_file=os.devnull)
    assert (settings.neo4j_uri, settings.neo4j_username) == ("neo4j+s://db.example.org:7687", "ana")
    assert settings.neo4j_password == "p@ss:w0rd" and "w0rd" not in repr(settings)
    assert settings.describe() == "Neo4j neo4j+s://db.example.org:7687"
    assert settings.mask("it said p@ss:w0rd twice: p@ss:w0rd") == "it said *** twice: ***"


def test_an_unreachable_server_is_named_in_one_line_within_seconds(cli: Callable[..., Ran]) -> None:
    """A server that accepts connections and never answers: one line naming the URI
    without its password, after seconds, not the driver's minute of retries."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the TCP handshakes; nobody ever reads
        port = silent.getsockname()[1]
        started = time.monotonic()
        done = cli({"NEO4J_URI": f"neo4j://neo4j:s3cret-Passw0rd@127.0.0.1:{port}"}, "graph", "counts")
        seconds = time.monotonic() - started
    assert done.returncode == 1 and seconds < 12, (done.returncode, seconds)
    assert done.stderr == (
        f"error: neo4j://127.0.0.1:{port}: cannot reach the Neo4j server: is it running and is NEO4J_URI right?\n"
    )


@pytest.mark.parametrize(
    ("uri", "shown"),
    [("http://neo4j:s3cret-Passw0rd@127.0.0.1:7474", "http://127.0.0.1:7474"), ("localhost:7687", "localhost:7687")],
)
def test_a_uri_the_driver_cannot_use_is_named(uri: str, shown: str, cli: Callable[..., Ran]) -> None:
    done = cli({"NEO4J_URI": uri, "NEO4J_PASSWORD": "s3cret-Passw0rd"}, "graph", "counts")
    assert done.returncode == 2 and done.stderr.startswith(f"error: NEO4J_URI {shown}: use one of bolt://")
    assert done.stderr.count("\n") == 1 and "s3cret" not in done.stderr


def test_a_password_inside_the_uri_works_and_is_never_shown(
    neo4j_store: GraphStore,
    neo4j_settings: Settings,
    tmp_path: Path,
    cli: Callable[..., Ran],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not in the output, the driver's own debug log, the audit log or a rejects file."""
    caplog.set_level(logging.DEBUG, logger="neo4j")
    password = quote(neo4j_settings.neo4j_password, safe="")
    uri = neo4j_settings.neo4j_uri.replace("://", f"://{neo4j_settings.neo4j_username}:{password}@", 1)
    env = {"NEO4J_URI": uri, "NEO4J_DATABASE": neo4j_settings.neo4j_database}
    (tmp_path / "nodes.csv").write_text(":ID,name,age:int,:LABEL\nSEC-1,Shop,3,Supplier\nSEC-2,Shop,many,Supplier\n")
    loaded = cli(env, "ingest", str(tmp_path / "nodes.csv"), "--rejects", str(tmp_path / "rejects.csv"))
    assert loaded.returncode == 0, loaded.stderr
    done = cli(env, "graph", "query", "repeat_offenders", "--param", "min_cases=1", "--format", "json")
    assert done.returncode == 0, done.stderr
    wrong = cli({**env, "NEO4J_URI": uri.replace(password, "Wr0ng-s3cret")}, "graph", "cypher", "RETURN 1 AS one")
    assert wrong.returncode == 1 and "credentials" in wrong.stderr
    audit = (tmp_path / "data" / "audit.jsonl").read_text()
    rejects = (tmp_path / "rejects.csv").read_text()
    assert "SEC-2" in rejects and "HELLO" in caplog.text  # the driver's log did see the login
    for text in (loaded.stdout, loaded.stderr, done.stdout, done.stderr, wrong.stderr, audit, rejects, caplog.text):
        assert neo4j_settings.neo4j_password not in text and "Wr0ng-s3cret" not in text
