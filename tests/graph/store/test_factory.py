"""A label or type any load declared is known to every command afterwards, with the
display property it was declared with; known errors are one line, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
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
