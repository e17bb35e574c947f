"""``python -m graph queries`` and ``query``: list, run, refuse bad parameters, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
from tests.conftest import Ran
from tests.graph.test_runner import loaded


def test_command_line_lists_and_runs(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    loaded(store)
    store.close()
    env = {**store_env, "KG_AUDIT_LOG": str(tmp_path / "cli-audit.jsonl")}

    def graph(*args: str) -> Ran:
        return cli(env, "graph", *args)

    listing = graph("queries", "--format", "json")
    assert listing.returncode == 0 and len(json.loads(listing.stdout)) >= 15
    done = graph("query", "payment_accounts_many_storefronts", "--param", "min_storefronts=2", "--format", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,account"), done.stderr
    bad = graph("query", "repeat_offenders", "--param", "min_cases=lots")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "min_cases" in bad.stderr
    assert len((tmp_path / "cli-audit.jsonl").read_text().splitlines()) == 1


def test_the_readme_save_example_keeps_the_listing_working(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    readme = "MATCH (s:SalesChannel) RETURN s.name AS name ORDER BY name"
    saved = cli({}, "graph", "query", "--save", "my_query", "--cypher", readme)
    assert saved.returncode == 0, saved.stderr
    listing = cli({}, "graph", "queries", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    mine = {row["name"]: row for row in json.loads(listing.stdout)}["my_query"]
    assert (mine["title"], mine["parameters"], mine["tags"]) == ("my_query", "", "")


def test_a_hand_edited_header_is_named_not_a_traceback(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    folder = tmp_path / "data" / "user_queries"
    folder.mkdir(parents=True)
    (folder / "odd.cypher").write_text("// tags: [{nested: 1}]\nMATCH (n) RETURN count(n) AS n\n")
    listing = cli({}, "graph", "queries")
    assert listing.returncode == 2 and "Traceback" not in listing.stderr
    assert listing.stderr == "error: data/user_queries/odd.cypher: tags are words, as a list ([fraud, shells])\n"
