"""One table of scalar types serves every input that types text; each input keeps its
own syntax around it."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.cli.params import ParameterError, parse_params
from graph.library import LibraryError, Parameter
from graph.model import load_model
from graph.scalars import SCALAR_TYPES, parse, parse_list
from ingest.admin_csv import RowError, convert, parse_header


@pytest.mark.parametrize(
    ("type_name", "text", "value"),
    [
        ("int", " 42 ", 42),
        ("float", "2.5", 2.5),
        ("boolean", "Yes", True),
        ("boolean", "false", False),
        ("date", "2024-06-01", dt.date(2024, 6, 1)),
        ("datetime", "2024-06-01T10:30:00", dt.datetime(2024, 6, 1, 10, 30)),
        ("string", " as typed ", " as typed "),
    ],
)
def test_text_becomes_the_typed_value(type_name: str, text: str, value: object) -> None:
    assert parse(type_name, text) == value


@pytest.mark.parametrize(("type_name", "text"), [("int", "many"), ("float", "nan"), ("boolean", "perhaps"),
                                                  ("date", "01/06/2024")])  # fmt: skip
def test_bad_text_says_what_was_expected(type_name: str, text: str) -> None:
    with pytest.raises(ValueError, match=f"{text!r} is not"):
        parse(type_name, text)


def test_every_input_agrees_on_the_same_text() -> None:
    """The command line, a saved query's parameter and a neo4j-admin column read one
    text the same way; only their syntax differs."""
    model = load_model()
    (column,) = parse_header(["opened:date"])
    for type_name, text in (("int", "7"), ("float", "0.25"), ("boolean", "true"), ("date", "2024-02-29")):
        (column,) = parse_header([f"x:{type_name}"])
        expected = parse(type_name, text)
        assert parse_params([f"x:{type_name}={text}"]) == {"x": expected}
        assert convert(column, text) == expected
        library = Parameter("x", type_name).convert(text, model)
        assert library == (expected.isoformat() if type_name == "date" else expected)  # Cypher writes date($x)
    assert parse_list("a, b,,c") == ["a", "b", "c"]
    assert set(SCALAR_TYPES) == {"string", "int", "float", "boolean", "date", "datetime"}


def test_each_input_names_its_own_place_in_errors() -> None:
    (column,) = parse_header(["n:int"])
    with pytest.raises(RowError, match="column 'n:int': 'two' is not a whole number"):
        convert(column, "two")
    with pytest.raises(ParameterError, match="parameter n: 'two' is not a valid int"):
        parse_params(["n:int=two"])
    with pytest.raises(LibraryError, match="parameter 'n'"):
        Parameter("n", "int").convert("two", load_model())
