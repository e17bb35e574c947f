"""The saved-query library: shipped queries are checked; analysts save to their folder only."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.library import LibraryError, load_library, parse_query, save_query
from graph.model import load_model


def test_the_library_has_at_least_fifteen_checked_queries() -> None:
    library = load_library()
    assert len(library) >= 15
    for query in library.values():
        assert query.title and query.description, query.name
        assert all(p.help for p in query.params), query.name


def test_analysts_save_queries_to_their_folder_only(tmp_path: Path) -> None:
    saved = save_query(
        "my_shops",
        "MATCH (s:SalesChannel) WHERE s.platform = $p RETURN s.name AS name ORDER BY name",
        title="Shops on a platform",
        params={"p": {"type": "string", "help": "platform"}},
    )
    assert saved.path == tmp_path / "mine" / "my_shops.cypher" and "my_shops" in load_library()
    with pytest.raises(LibraryError, match="shipped"):
        save_query("repeat_offenders", "MATCH (n) RETURN n")
    with pytest.raises(LibraryError, match="exists"):
        save_query("my_shops", "MATCH (n) RETURN n")
    with pytest.raises(LibraryError, match="refused|read-only|CREATE"):
        save_query("evil", "CREATE (n:Evil)")
    with pytest.raises(LibraryError, match="declares"):
        save_query("undeclared", "MATCH (n) WHERE n.name = $name RETURN n")


def test_a_number_parameter_can_be_bounded() -> None:
    header = "// params:\n//   n: {type: int, min: 1, max: 10, help: rows}\nMATCH (n) RETURN n LIMIT $n\n"
    [parameter] = parse_query(header, "bounded").params
    assert parameter.describe() == "n (int, required, min 1, max 10)"
    assert parameter.convert("10", load_model()) == 10
    for value, message in (("0", "less than its minimum 1"), ("11", "more than its maximum 10")):
        with pytest.raises(LibraryError, match=f"parameter 'n': {value} is {message}"):
            parameter.convert(value, load_model())
    with pytest.raises(LibraryError, match="min is for int and float parameters"):
        parse_query(header.replace("int", "string"), "bounded")
