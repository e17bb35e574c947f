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
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", "x\r=1+1", "plain"]}
    )
    cells = [row[0] for row in csv.reader(io.StringIO(format_frame(frame, "csv"), newline=""))]
    assert cells == [
        "name",
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\t=1+1",
        "'\r=1+1",
        "x\r=1+1",
        "plain",
    ]


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


def strict_json(text: str) -> object:
    """``json.loads`` refusing NaN and Infinity, which Python accepts and JSON does not."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_for_every_value_type() -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    values = {
        "nan": float("nan"),
        "inf": float("inf"),
        "ninf": float("-inf"),
        "date": dt.date(2024, 1, 2),
        "datetime": when,
        "time": dt.time(3, 4, 5),
        "duration": {"months": 14, "days": 3, "seconds": 14706, "nanoseconds": 500000000},
        "point": {"latitude": 1.5, "longitude": 2.5},
        "bytes": b"\x00\xffkg",
        "nested": [1, [2.5, {"a": [float("nan"), bytearray(b"x")]}]],
        "node": {"key": "K", "labels": ["Person"], "properties": {"seen": when, "score": float("inf")}},
    }
    [row] = strict_json(format_frame(pd.DataFrame([values], dtype=object), "json"))
    assert row == {
        "nan": "NaN",
        "inf": "Infinity",
        "ninf": "-Infinity",
        "date": "2024-01-02",
        "datetime": "2024-01-02T03:04:05+00:00",
        "time": "03:04:05",
        "duration": {"months": 14, "days": 3, "seconds": 14706, "nanoseconds": 500000000},
        "point": {"latitude": 1.5, "longitude": 2.5},
        "bytes": "AP9rZw==",
        "nested": [1, [2.5, {"a": ["NaN", "eA=="]}]],
        "node": {
            "key": "K",
            "labels": ["Person"],
            "properties": {"seen": "2024-01-02T03:04:05+00:00", "score": "Infinity"},
        },
    }


def test_direction_controls_are_shown_in_tables_and_csv_and_escaped_in_json() -> None:
    spoof = "shop \u202eexe.txt"  # displays as "shop txt.exe"
    frame = pd.DataFrame({"name\u2066": [spoof], "aliases": [[spoof]]}, dtype=object)
    table, csv_text, json_text = (format_frame(frame, fmt) for fmt in ("table", "csv", "json"))
    assert "shop [U+202E]exe.txt" in table and "name[U+2066]" in table
    assert list(csv.reader(io.StringIO(csv_text))) == [
        ["name[U+2066]", "aliases"],
        ["shop [U+202E]exe.txt", '["shop [U+202E]exe.txt"]'],
    ]
    assert "\u202e" not in json_text and json.loads(json_text) == [{"name\u2066": spoof, "aliases": [spoof]}]


def test_table_writes_each_rows_list_and_escapes_only_the_cells_that_need_it() -> None:
    """A column repeating a few lists (each node's labels) is written once per distinct
    list; a tab in one cell is escaped there and nowhere else."""
    frame = pd.DataFrame(
        {
            "id": ["A", "B\tC", "D"],
            "labels": [["Person"], ["Company", "Supplier"], ["Person"]],
            "flags": [[1], [True], ["x\u202ey"]],
        }
    )
    lines = format_frame(frame, "table").splitlines()
    assert lines == [
        "  id                  labels          flags",
        '   A              ["Person"]            [1]',
        'B\\tC ["Company", "Supplier"]         [true]',
        '   D              ["Person"] ["x[U+202E]y"]',
    ]


def test_csv_reads_back_cell_for_cell_and_quotes_only_what_needs_it() -> None:
    """CSV is written a column at a time (a million rows of communities): each cell reads
    back as it was, and only a comma, a quote or a line break makes a cell quoted."""
    frame = pd.DataFrame(
        {
            "id": ["A", "B,C", 'say "hi"', "x\r\ny", "=1+1", ""],
            "labels": [["Person"], ["Company", "Supplier"], ["Person"], [], ["Person"], ["Person"]],
            "size": [1, 2, None, 4, 5, 6],
        },
        dtype=object,
    )
    text = format_frame(frame, "csv")
    assert text.splitlines()[:2] == ["id,labels,size", 'A,"[""Person""]",1']
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "labels", "size"],
        ["A", '["Person"]', "1"],
        ["B,C", '["Company", "Supplier"]', "2"],
        ['say "hi"', '["Person"]', ""],
        ["x\r\ny", "[]", "4"],
        ["'=1+1", '["Person"]', "5"],
        ["", '["Person"]', "6"],
    ]
    alone = format_frame(pd.DataFrame({"name": ["a", ""]}), "csv")
    assert alone.splitlines() == ["name", "a", '""']  # an empty row would read as no row
