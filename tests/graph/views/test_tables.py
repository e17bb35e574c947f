"""Rendering results and reading parameters from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest

from graph.cli.params import ParameterError, parse_params
from graph.views.tables import format_frame


def test_csv_neutralizes_spreadsheet_formulas() -> None:
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]})
    cells = [row[0] for row in csv.reader(io.StringIO(format_frame(frame, "csv")))]
    assert cells == ["name", '\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "plain"]


def test_json_is_one_object_per_row_with_iso_dates() -> None:
    frame = pd.DataFrame({"n": [1], "d": [dt.date(2024, 1, 2)], "l": [["a", "é"]]}, dtype=object)
    assert json.loads(format_frame(frame, "json")) == [{"n": 1, "d": "2024-01-02", "l": ["a", "é"]}]


def test_table_shows_nulls_as_blank() -> None:
    frame = pd.DataFrame({"a": [None, "x"]}, dtype=object)
    assert format_frame(frame, "table").splitlines()[1].strip() == ""


def test_parameters_are_strings_unless_typed() -> None:
    params = parse_params(
        [
            "id=123",
            "n:int=5",
            "r:float=0.5",
            "on:boolean=yes",
            "d:date=2024-02-29",
            "ids:list=a, b",
            'j:json={"k": [1]}',
            "empty=",
        ]
    )
    assert params == {
        "id": "123",
        "n": 5,
        "r": 0.5,
        "on": True,
        "d": dt.date(2024, 2, 29),
        "ids": ["a", "b"],
        "j": {"k": [1]},
        "empty": "",
    }


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("n:int=five", "parameter n: 'five' is not a valid int"),
        ("d:date=31/12/2024", "parameter d: '31/12/2024' is not a valid date"),
        ("x:colour=red", "parameter x: unknown type 'colour'"),
        ("novalue", "write name=value"),
        ("bad name=1", "invalid parameter name"),
    ],
)
def test_bad_parameters_are_named(item: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_params([item])
