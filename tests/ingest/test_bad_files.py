"""Bad and awkward files: every problem names file, row and column, nothing is lost
(read == loaded + rejected), and ``--strict`` keeps a bad file out of the store."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
from ingest.loader import FileReport, load_paths, write_rejects
from tests.conftest import Ran
from tests.ingest.files import reasons, reconciled, write

ROOT = Path(__file__).resolve().parents[2]
NODES = ":ID,name,age:int,opened:date,aliases:string[],:LABEL\n"


def test_bad_cells_are_rejected_by_row_and_column(store: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "people.csv",
        NODES + "p1,Ann,41,2020-01-31,a;b,Person\n"
        "p2,Bob,forty,,,Person\n"
        "p3,Cy,,31/12/2024,,Person\n"
        ",Dee,,,,Person\n"
        "p5,Eve,,,,\n"
        "p6,Fay,1,2\n"
        "p1,Ann,41,2020-01-31,a;b,Person\n"
        "p1,Ann B,41,2020-01-31,a;b,Person\n",
    )
    [report] = load_paths(store, [path])
    assert report.read == 8 and report.loaded == 2 and report.rejected == 6 and reconciled([report])
    got = reasons(report)
    assert got[3] == "column 'age:int': 'forty' is not a whole number"
    assert got[4] == "column 'opened:date': '31/12/2024' is not a date YYYY-MM-DD"
    assert got[5] == "column ':ID': the id is empty"
    assert got[6] == "column ':LABEL': the node has no label"
    assert got[7] == "expected 6 fields as in the header, found 4"
    assert got[9] == "id 'p1' appears earlier in the file with other values"
    assert 8 not in got  # the identical repeat of p1 is the same fact, loaded once
    row = store.query("MATCH (p:Person {_kg_key: 'p1'}) RETURN p.age AS age, p.opened AS d, p.aliases AS a")
    assert row.to_dict("records") == [{"age": 41, "d": __import__("datetime").date(2020, 1, 31), "a": ["a", "b"]}]


def test_missing_required_columns_reject_every_row(store: GraphStore, tmp_path: Path) -> None:
    nolabel = write(tmp_path, "a.csv", ":ID,name\n1,x\n2,y\n")
    notype = write(tmp_path, "b.csv", ":START_ID,:END_ID\n1,2\n")
    badtype = write(tmp_path, "c.csv", ":ID,when:colour,:LABEL\n1,red,X\n")
    empty = write(tmp_path, "d.csv", "")
    reserved = write(tmp_path, "e.csv", ":ID,first_seen,:LABEL\n1,2024-01-01,X\n")
    reports = load_paths(store, [nolabel, notype, badtype, empty, reserved])
    assert [r.rejected for r in reports] == [2, 1, 1, 0, 1] and reconciled(reports)
    assert "column 'first_seen' has a name the store keeps for itself" in reasons(reports[4])[2]
    assert reasons(reports[0])[2] == "header: missing required column :LABEL in a node file"
    assert reasons(reports[1])[2] == "header: missing required column :TYPE in a relationship file"
    assert "type 'colour' is not supported" in reasons(reports[2])[2]
    assert reports[3].summary().endswith("not loaded: header: the file is empty: no header row")
    assert store.counts().nodes == 0


def test_relationships_to_missing_nodes_are_rejected(store: GraphStore, tmp_path: Path) -> None:
    nodes = write(tmp_path, "n.csv", ":ID,name,:LABEL\na,A,Thing\nb,B,Thing\n")
    rels = write(
        tmp_path,
        "r.csv",
        ":START_ID,:END_ID,:TYPE,since:date\na,b,LINKS,2024-01-01\na,zz,LINKS,\na,b,LINKS,2024-02-02\n,b,LINKS,\n",
    )
    reports = load_paths(store, [rels, nodes])  # order of the arguments does not matter
    rel_report = reports[0]
    assert (rel_report.read, rel_report.loaded, rel_report.rejected) == (4, 2, 2) and reconciled(reports)
    assert reasons(rel_report) == {
        3: "start or end node does not exist (no node with key 'zz')",
        5: "column ':START_ID': the id is empty",
    }
    assert store.counts().types == {"LINKS": 2}  # two parallel rows are two relationships, as in neo4j-admin
    load_paths(store, [nodes, rels])
    assert store.counts().types == {"LINKS": 2}


def test_awkward_encodings_and_fields_load(store: GraphStore, tmp_path: Path) -> None:
    long_text = "x" * 1_000_000
    files = [
        write(tmp_path, "bom_crlf.csv", "\ufeff:ID,name,:LABEL\r\nb1,Ünïcode Ltd,Thing\r\n"),
        write(tmp_path, "latin1.csv", ":ID,name,:LABEL\nl1,Société Générale,Thing\n", encoding="latin-1"),
        write(tmp_path, "newlines.csv", ':ID,name,note,:LABEL\nq1,"Multi, line","first line\nsecond line",Thing\n'),
        write(tmp_path, "long.csv", f":ID,name,blob,:LABEL\nv1,Long,{long_text},Thing\n"),
        write(tmp_path, "quotes.csv", ':ID,name,:LABEL\nm1,"broken"quote,Thing\nm2,fine,Thing\n'),
    ]
    reports = load_paths(store, files)
    assert [r.rejected for r in reports] == [0, 0, 0, 0, 1] and reconciled(reports)
    assert "malformed CSV" in reasons(reports[4])[2]
    frame = store.query(
        "MATCH (t:Thing) RETURN t._kg_key AS k, t.name AS name, t.note AS note, size(t.blob) AS blob ORDER BY k"
    )
    rows = {r["k"]: r for r in frame.to_dict("records")}
    assert rows["b1"]["name"] == "Ünïcode Ltd" and rows["l1"]["name"] == "Société Générale"
    assert rows["q1"]["note"] == "first line\nsecond line" and rows["q1"]["name"] == "Multi, line"
    assert rows["v1"]["blob"] == 1_000_000 and "m2" in rows


def test_strict_loads_nothing_from_a_bad_file(store: GraphStore, tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", ":ID,name,:LABEL\ng1,G,Thing\n")
    bad = write(tmp_path, "bad.csv", ":ID,name,n:int,:LABEL\nb1,B,1,Thing\nb2,C,two,Thing\n")
    rels = write(tmp_path, "rels.csv", ":START_ID,:END_ID,:TYPE\ng1,g1,SELF\ng1,nowhere,SELF\n")
    reports = load_paths(store, [good, bad, rels], strict=True)
    assert [(r.read, r.loaded, r.rejected) for r in reports] == [(1, 1, 0), (2, 0, 2), (2, 0, 2)]
    assert "--strict" in reasons(reports[1])[2] and "not a whole number" in reasons(reports[1])[3]
    counts = store.counts()
    assert (counts.nodes, counts.relationships) == (1, 0)


def test_cli_writes_rejects_and_sets_the_exit_status(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    store.close()
    bad = write(tmp_path, "bad.csv", ":ID,name,n:int,:LABEL\nb1,=cmd(),1,Thing\nb2,C,two,Thing\n")
    rejects = tmp_path / "rejects.csv"

    def ingest(*args: str) -> Ran:
        return cli(store_env, "ingest", *args)

    done = ingest(str(bad), "--rejects", str(rejects))
    assert done.returncode == 0, done.stderr
    assert "2 rows read, 1 loaded" in done.stdout and "1 rejected" in done.stdout
    rows = list(csv.reader(rejects.open()))
    assert rows[0] == ["file", "row", "reason", "data"] and rows[1][1:3] == [
        "3",
        "column 'n:int': 'two' is not a whole number",
    ]
    strict = ingest(str(bad), "--strict", "--rejects", str(rejects))
    assert strict.returncode == 1
    assert ingest(str(tmp_path / "missing.csv")).returncode == 1


def test_rejects_file_neutralizes_formulas(tmp_path: Path) -> None:
    report = FileReport(Path("x.csv"))
    report.reject(2, "bad", ['=HYPERLINK("http://evil")', "1"])
    write_rejects([report], tmp_path / "r.csv")
    row = list(csv.reader((tmp_path / "r.csv").open()))[1]
    assert row[3].startswith("'=")
    assert os.path.getsize(tmp_path / "r.csv") > 0
