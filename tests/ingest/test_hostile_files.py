"""What a hostile source sends: Cypher and markup where names go, the tool's own names,
keys that belong to another node, binary and oversized files, broken workbooks, deep or
non-UTF-8 JSON Lines, YAML bombs, values past their limits. Each is named by file, row
and column, costs bounded time and memory, and leaves the store unchanged or the good
rows loaded, with the run going on to the next file and ending with its summary."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store import GraphStore
from graph.workspace import Workspace
from ingest.loader import load_mapped, load_paths
from ingest.mapping import MappingError, load_mapping
from ingest.textfile import MAX_LINE
from tests.conftest import Ran
from tests.ingest.files import reasons, reconciled, write


def test_names_carrying_cypher_markup_or_the_tools_own_words_are_refused(store: GraphStore, tmp_path: Path) -> None:
    nodes = write(
        tmp_path,
        "nodes.csv",
        ":ID(S`} DETACH DELETE n//<i>),<b>name</b>,:LABEL\n"
        "s1,Good,Shop\n"
        "s2,Cypher,X`) DETACH DELETE n//\n"
        "s3,Markup,<script>alert(1)</script>\n"
        "s4,Accents,Ünïcode\n"
        "s5,Forged load,IngestRun\n"
        "s6,Internal,_kg_key\n"
        's7,Newline,"Shop\n"\n',
    )
    rels = write(
        tmp_path,
        "rels.csv",
        ":START_ID(S`} DETACH DELETE n//<i>),:END_ID(S`} DETACH DELETE n//<i>),:TYPE\n"
        "s1,s1,SELF\n"
        "s1,s1,T]->() DELETE r//\n"
        "s1,s1,Judgement\n"
        "s1,s1,_kg_rel\n",
    )
    reports = load_paths(store, [nodes, rels])
    assert reconciled(reports) and [r.loaded for r in reports] == [2, 1]  # s7's label is "Shop" once stripped
    invalid = "use ASCII letters, digits and underscores"
    assert reasons(reports[0]) == {
        3: f"column ':LABEL': invalid label 'X`) DETACH DELETE n//': {invalid}",
        4: f"column ':LABEL': invalid label '<script>alert(1)</script>': {invalid}",
        5: f"column ':LABEL': invalid label 'Ünïcode': {invalid}",
        6: "column ':LABEL': label 'IngestRun' is kept for the tool's own records; rename it in the data",
        7: "column ':LABEL': label '_kg_key' is kept for the tool's own records; rename it in the data",
    }
    assert reasons(reports[1]) == {
        3: f"column ':TYPE': invalid relationship type 'T]->() DELETE r//': {invalid}",
        4: "column ':TYPE': relationship type 'Judgement' is kept for the tool's own records; rename it in the data",
        5: "column ':TYPE': relationship type '_kg_rel' is kept for the tool's own records; rename it in the data",
    }
    counts = store.counts()
    assert (counts.labels, counts.types) == ({"Shop": 2}, {"SELF": 1})
    row = store.query("MATCH (s:Shop)-[:SELF]->() RETURN s._kg_key AS key, s.`<b>name</b>` AS name")
    assert row.to_dict("records") == [{"key": "S`} DETACH DELETE n//<i>:s1", "name": "Good"}]  # values, never code


def test_a_node_cannot_take_over_a_key_another_label_holds(store: GraphStore, tmp_path: Path) -> None:
    people = write(tmp_path, "people.csv", ":ID,name,:LABEL\nP1,Ann,Person\nC1,Acme,Company\n")
    impostor = write(tmp_path, "impostor.csv", ":ID,name,:LABEL\nP1,Fake Ltd,Company\nP2,Bob,Person\n")
    links = write(tmp_path, "links.csv", ":START_ID,:END_ID,:TYPE\nP1,C1,DIRECTS\n")
    load_paths(store, [people])
    reports = load_paths(store, [impostor, links])
    assert reasons(reports[0]) == {2: "key 'P1' is already a Person node's; a Company node may not take it"}
    assert reconciled(reports) and reports[0].loaded == 1 and reports[1].loaded == 1
    rows = store.query("MATCH (p {_kg_key: 'P1'})-[:DIRECTS]->(c) RETURN labels(p) AS l, p.name AS n, c.name AS c")
    assert rows.to_dict("records") == [{"l": ["Person"], "n": "Ann", "c": "Acme"}]
    assert store.counts().labels == {"Company": 1, "Person": 2}


def test_binary_nul_utf16_and_giant_lines_are_named_in_bounded_memory(store: GraphStore, tmp_path: Path) -> None:
    header = ":ID,name,:LABEL\n"
    files = [
        write(tmp_path, "binary.csv", bytes(range(256)) * 400),
        write(tmp_path, "utf16_bom.csv", "\ufeff:ID,name,:LABEL\nu1,Ünï,Thing\n".encode("utf-16-le")),
        write(tmp_path, "utf16_plain.csv", ":ID,name,:LABEL\nu2,x,Thing\n".encode("utf-16-le")),
        write(tmp_path, "nul.csv", header + "n1,a\x00b,Thing\nn2,fine,Thing\n"),
        write(tmp_path, "wide.csv", header + "w1," + "," * 150_000 + "\nw2,fine,Thing\n"),
    ]
    long_line = tmp_path / "long.csv"
    with long_line.open("w") as handle:
        handle.write(header + "l1,")
        for _ in range(5 * MAX_LINE // 2**20):
            handle.write("x" * 2**20)
        handle.write(",Thing\nl2,fine,Thing\n")
    tracemalloc.start()
    reports = load_paths(store, [*files, long_line])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * MAX_LINE  # about one line's worth, never the 40 MB line nor the file
    binary, bom, plain, nul, wide, long = reports
    not_text = "not loaded: row 1 has NUL bytes: not a text file (binary, or UTF-16 without a byte-order mark)"
    assert binary.summary() == f"{binary.path}: {not_text}" and plain.summary() == f"{plain.path}: {not_text}"
    assert (bom.loaded, bom.rejected) == (1, 0)
    assert reasons(nul) == {2: "column 2: a NUL byte (binary data, not text)"}
    assert reasons(wide) == {2: "150,002 fields: more than 100,000"}
    assert reasons(long) == {2: "a line longer than 8,388,608 characters (near line 2)"}
    assert reconciled(reports) and [r.loaded for r in (nul, wide, long)] == [1, 1, 1]
    names = store.query("MATCH (t:Thing) RETURN t._kg_key AS k, t.name AS n ORDER BY k").to_dict("records")
    assert names == [{"k": k, "n": n} for k, n in (("l2", "fine"), ("n2", "fine"), ("u1", "Ünï"), ("w2", "fine"))]


def test_a_hundred_million_empty_columns_and_a_wide_header_cost_seconds(store: GraphStore, tmp_path: Path) -> None:
    commas = tmp_path / "commas.csv"
    with commas.open("w") as handle:
        handle.write(":ID,name,:LABEL\n")
        for _ in range(100):
            handle.write("," * 1_000_000)
        handle.write("\nc1,fine,Thing\n")
    wide = write(tmp_path, "wide_header.csv", ":ID,:LABEL," + ",".join(f"c{i}" for i in range(50_000)) + ",c7\n")
    started = time.monotonic()
    reports = load_paths(store, [commas, wide])
    assert time.monotonic() - started < 10
    assert reasons(reports[0]) == {2: "a line longer than 8,388,608 characters (near line 2)"}
    assert reports[0].loaded == 1
    assert reports[1].summary().endswith("not loaded: header: column 'c7' appears twice")


LIMITS = (
    ":ID,when:datetime,day:date,f:float,n:int,:LABEL\n"
    "edge,9999-12-31T23:59:59.999999,9999-12-31,1e308,9223372036854775807,Thing\n"
    "low,0001-01-01T00:00:00,0001-01-01,5e-324,-9223372036854775808,Thing\n"
    "far,1e309,,,,Thing\n"
    "nan,,,NaN,,Thing\n"
    "inf,,,inf,,Thing\n"
    "year0,,0000-01-01,,,Thing\n"
    "year99999,99999-01-01T00:00:00,,,,Thing\n"
    "big,,,,9223372036854775808,Thing\n"
    "aware,0001-01-01T00:00:00+05:00,,,,Thing\n"
)


def test_numbers_and_dates_at_and_past_their_limits(store: GraphStore, tmp_path: Path) -> None:
    [report] = load_paths(store, [write(tmp_path, "limits.csv", LIMITS)])
    assert reasons(report) == {
        4: "column 'when:datetime': '1e309' is not a date-time YYYY-MM-DDTHH:MM:SS",
        5: "column 'f:float': 'NaN' is not a number",
        6: "column 'f:float': 'inf' is not a number",
        7: "column 'day:date': '0000-01-01' is not a date YYYY-MM-DD",
        8: "column 'when:datetime': '99999-01-01T00:00:00' is not a date-time YYYY-MM-DDTHH:MM:SS",
        9: "property 'n': integer 9223372036854775808 does not fit in 64 bits",
        10: "property 'when': 0001-01-01T00:00:00+05:00 is beyond years 1-9999 in UTC",
    }
    rows = store.query(
        "MATCH (t:Thing) RETURN t._kg_key AS k, t.`when` AS w, t.day AS d, t.f AS f, t.n AS n ORDER BY k"
    )
    assert rows.to_dict("records") == [
        {"k": "edge", "w": dt.datetime(9999, 12, 31, 23, 59, 59, 999999), "d": dt.date(9999, 12, 31), "f": 1e308,
         "n": 2**63 - 1},
        {"k": "low", "w": dt.datetime(1, 1, 1), "d": dt.date(1, 1, 1), "f": 5e-324, "n": -(2**63)},
    ]  # fmt: skip


MAPPING = """
nodes:
  - as: shop
    label: SalesChannel
    key: "SC-{seller.id}"
    required: true
    properties:
      name: seller.name
      rating: {column: rating, type: float}
"""


def test_json_lines_not_utf8_deep_or_infinite_are_rejected_by_row(store: GraphStore, tmp_path: Path) -> None:
    mapping = write(tmp_path, "shops.yaml", MAPPING)
    deep = '{"a":' * 500 + "1" + "}" * 500
    lines = [
        b'{"seller": {"id": "1", "name": "Good"}, "rating": 4.5}',
        '{"seller": {"id": "2", "name": "Société"}}'.encode("latin-1"),
        ('{"seller": {"id": "3"}, "x": ' + deep + "}").encode(),
        b'{"seller": {"id": "4"}, "rating": 1e309}',
        b'{"seller": {"id": "5"}, "rating": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
    ]
    data = write(tmp_path, "shops.jsonl", b"\n".join(lines) + b"\n")
    [report] = load_mapped(store, mapping, [data])
    got = reasons(report)
    assert got[2] == "not UTF-8 text (character 37); JSON Lines must be UTF-8"
    assert got[3] == "objects nested more than 32 levels deep"
    assert got[4].startswith("column 'rating': 'inf' is not a float")
    assert got[5].startswith("column 'rating': 'nan' is not a float")
    assert got[6].startswith("not JSON this loader can read: maximum recursion depth exceeded")
    assert report.read == 6 and report.loaded == 1 and reconciled([report])
    assert store.query("MATCH (s:SalesChannel) RETURN s.name AS n").to_dict("records") == [{"n": "Good"}]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_broken_and_bomb_workbooks_are_refused_and_the_next_file_loads(store: GraphStore, tmp_path: Path) -> None:
    mapping = write(tmp_path, "shops.yaml", MAPPING)
    not_zip = write(tmp_path, "a_random.xlsx", os.urandom(4096))
    not_book = _zip(tmp_path / "b_empty.xlsx", {"hello.txt": b"not a workbook"})
    bomb = tmp_path / "c_bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(bytes(2**20))
    good = write(tmp_path, "d_good.jsonl", '{"seller": {"id": "1", "name": "Good"}}\n')
    started = time.monotonic()
    reports = load_mapped(store, mapping, [not_zip, not_book, bomb, good])
    assert time.monotonic() - started < 10
    summaries = [report.summary() for report in reports]
    assert summaries[0].startswith(f"{not_zip}: not loaded: {not_zip}: not an Excel workbook (File is not a zip")
    assert summaries[1].startswith(f"{not_book}: not loaded: {not_book}: not a readable Excel workbook (")
    assert summaries[2] == (
        f"{bomb}: not loaded: {bomb}: the workbook unpacks to 220,200,960 bytes, more than 209,715,200"
    )
    assert reports[3].loaded == 1 and store.counts().nodes == 1


def test_yaml_alias_bombs_and_object_tags_are_refused_unexpanded(store: GraphStore, tmp_path: Path) -> None:
    levels = ["a0: &a0 [Shop, Shop, Shop, Shop, Shop, Shop, Shop, Shop, Shop, Shop]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    bomb = write(tmp_path, "bomb.yaml", "\n".join(levels) + "\nnodes:\n  - {as: s, labels: *a7, key: '{id}'}\n")
    tagged = write(tmp_path, "tagged.yaml", "nodes: !!python/object/apply:os.system ['touch pwned']\n")
    started = time.monotonic()
    with pytest.raises(MappingError) as bombed:
        load_mapping(bomb, store.model)
    with pytest.raises(MappingError) as tag:
        load_mapping(tagged, store.model)
    assert time.monotonic() - started < 2 and len(str(bombed.value)) < 400
    assert "aliases such as *a0 are not allowed in a mapping" in str(bombed.value)
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'" in str(
        tag.value
    )
    assert not (Path.cwd() / "pwned").exists()


def test_a_key_template_naming_a_missing_column_is_an_error_in_every_format(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from openpyxl import Workbook

    store.close()
    mapping = write(tmp_path, "m.yaml", "nodes:\n  - {as: s, label: SalesChannel, key: 'SC-{nope}'}\n")
    csv_file = write(tmp_path, "t.csv", "id,name\n1,A\n")
    jsonl = write(tmp_path, "t.jsonl", '{"id": "1", "name": "A"}\n')
    book = Workbook()
    book.active.append(["id", "name"])
    book.active.append(["1", "A"])
    book_path = tmp_path / "t.xlsx"
    book.save(book_path)
    done = cli(store_env, "ingest", str(csv_file), str(jsonl), str(book_path), "--mapping", str(mapping))
    assert done.returncode == 1, done.stdout
    assert done.stdout.splitlines() == [
        f"{csv_file}: not loaded: {csv_file}: missing required column 'nope' (the mapping m.yaml reads it for s.key)",
        f"{jsonl}: not loaded: {jsonl}: no row has the column 'nope' (the mapping's id templates read it)",
        f"{book_path}: not loaded: {book_path}: missing required column 'nope' (the mapping m.yaml reads it for s.key)",
    ]


def test_one_bad_file_never_ends_the_run(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran], workspace: Workspace
) -> None:
    store.close()
    first = write(tmp_path, "a.csv", ":ID,name,:LABEL\na1,A,Thing\n")
    accents = write(tmp_path, "b.csv", ":ID,name,:LABEL\nb1,B,Ünïcode\nb2,B,Thing\n")
    edge = write(tmp_path, "c.csv", ":ID,when:datetime,:LABEL\nc1,9999-12-31T23:59:59-05:00,Thing\n")
    last = write(tmp_path, "d.csv", ":ID,name,:LABEL\nd1,D,Thing\n")
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()
    done = cli(store_env, "ingest", str(first), str(accents), str(edge), str(last), "--rejects", str(rejects))
    assert done.returncode == 0, done.stderr
    assert [line.split(": ", 1)[1] for line in done.stdout.splitlines()] == [
        "1 rows read, 1 loaded (nodes: 1 created, 0 updated), 0 rejected",
        "2 rows read, 1 loaded (nodes: 1 created, 0 updated), 1 rejected",
        "1 rows read, 0 loaded (nodes: 0 created, 0 updated), 1 rejected",
        "1 rows read, 1 loaded (nodes: 1 created, 0 updated), 0 rejected",
    ]
    assert sorted(run["name"] for run in workspace.records("ingest_runs")) == ["a.csv", "b.csv", "c.csv", "d.csv"]
    assert "property 'when': 9999-12-31T23:59:59-05:00 is beyond years 1-9999 in UTC" in rejects.read_text()


def test_the_rejects_file_is_checked_before_anything_loads(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    store.close()
    data = write(tmp_path, "data.csv", ":ID,n:int,:LABEL\nx1,1,Thing\nx2,two,Thing\n")
    before = data.read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "f.csv", ":ID,:LABEL\nf1,Thing\n")
    attempts = {
        str(data): "it is one of the files being loaded",
        str(folder / "rejects.csv"): "it is one of the files being loaded",
        str(tmp_path / "no" / "such" / "folder.csv"): "cannot be written (No such file or directory)",
        str(tmp_path): "cannot be written (Is a directory)",
    }
    for rejects, why in attempts.items():
        refused = cli(store_env, "ingest", str(data), str(folder), "--rejects", rejects)
        assert (refused.returncode, refused.stdout) == (2, "")
        assert refused.stderr == f"error: --rejects {rejects}: {why}; name another file\n"
    assert data.read_bytes() == before and not (folder / "rejects.csv").exists()
    counted = cli(store_env, "graph", "cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json")
    assert json.loads(counted.stdout) == [{"n": 0}]


def test_symbolic_link_loops_in_a_folder_are_said(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran], workspace: Workspace
) -> None:
    store.close()
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.csv", ":ID,:LABEL\na1,Thing\n")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    done = cli(store_env, "ingest", str(folder), "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr
    assert f"{folder / 'loop.csv'}: not loaded: a symbolic link loop: skipped" in done.stdout.splitlines()
    assert {run["name"]: run["problem"] for run in workspace.records("ingest_runs")} == {
        "a.csv": "",
        "loop.csv": "a symbolic link loop: skipped",
    }
