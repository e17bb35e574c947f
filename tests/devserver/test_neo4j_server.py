"""The development server as ``make neo4j`` starts it: the generated password never on a
command line, Bolt on 127.0.0.1 only, authentication on, credentials owner-only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from devserver.neo4j_server import Neo4jServer, ServerError, free_port

ROOT = Path(__file__).resolve().parents[2]
#: 127.0.0.1 as /proc/net/tcp writes it, and as IPv4-mapped ::ffff:127.0.0.1 in tcp6 (Java's socket).
LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}


@dataclass(frozen=True)
class Started:
    """A server started by the project's script, and every command line seen meanwhile."""

    server: Neo4jServer
    env_file: Path
    command_lines: frozenset[str]


def _command_lines() -> set[str]:
    lines = set()
    for entry in Path("/proc").iterdir():
        try:
            lines.add((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # not a process, or it ended meanwhile
            continue
    return lines


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    home = tmp_path_factory.mktemp("devserver")
    port = free_port()
    env_file = home / ".env"
    script = [sys.executable, "-m", "devserver.neo4j_server"]
    starting = subprocess.Popen(
        [*script, "start", "--home", str(home), "--port", str(port), "--env-file", str(env_file), "--pagecache", "96m"],
        cwd=ROOT,
        env=dict(os.environ, NEO4J_DEV_HEAP="768m"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen: set[str] = set()
    while starting.poll() is None:  # the whole start-up, admin tool included
        seen |= _command_lines()
    output = starting.stdout.read().decode() if starting.stdout else ""
    server = Neo4jServer(home, port)
    try:
        assert starting.returncode == 0, output
        yield Started(server, env_file, frozenset(seen))
    finally:
        subprocess.run([*script, "stop", "--home", str(home)], cwd=ROOT, check=True, capture_output=True)


@pytest.mark.neo4j
def test_the_password_never_appears_on_a_command_line(started: Started) -> None:
    assert any("org.neo4j.cli.AdminTool" in line for line in started.command_lines)  # the scan saw the admin step
    assert any("CommunityEntryPoint" in line for line in started.command_lines)
    assert not [line for line in started.command_lines if started.server.password in line]


@pytest.mark.neo4j
def test_bolt_listens_on_loopback_only(started: Started) -> None:
    port = f"{started.server.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if state == "0A" and local.endswith(f":{port}"):  # 0A: LISTEN
                listening.append(local.split(":")[0])
    assert listening and set(listening) <= LOOPBACK, listening


@pytest.mark.neo4j
@pytest.mark.parametrize("auth", [None, ("neo4j", "neo4j"), ("neo4j", "wrong-password")])
def test_a_connection_without_the_password_is_refused(started: Started, auth: tuple[str, str] | None) -> None:
    with neo4j.GraphDatabase.driver(started.server.uri, auth=auth) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()


@pytest.mark.neo4j
def test_the_generated_credentials_work_and_are_owner_only(started: Started) -> None:
    server = started.server
    with neo4j.GraphDatabase.driver(server.uri, auth=(server.username, server.password)) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
    assert f"NEO4J_PASSWORD={server.password}\n" in started.env_file.read_text()
    for path in (started.env_file, server.home / "password"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not list(server.home.glob("*.args"))  # the admin tool's argument file is gone


@pytest.mark.neo4j
def test_the_server_runs_graph_data_science_for_neo4j_5_26(started: Started) -> None:
    """GDS 2.13 is the line for Neo4j 5.26; its procedures are allowed and its algorithms run."""
    server = started.server
    with neo4j.GraphDatabase.driver(server.uri, auth=(server.username, server.password)) as driver:
        version = driver.execute_query("RETURN gds.version() AS version").records[0]["version"]
        assert version.startswith("2.13."), version
        driver.execute_query("UNWIND range(0, 3) AS i CREATE (:Ring {i: i})")
        graph = driver.execute_query(
            "MATCH (a:Ring), (b:Ring) WHERE b.i = (a.i + 1) % 4"
            " RETURN gds.graph.project('ring', a, b, {}, {undirectedRelationshipTypes: ['*']}) AS graph"
        ).records[0]["graph"]
        assert graph["nodeCount"] == 4 and graph["relationshipCount"] == 8
        ranks = driver.execute_query("CALL gds.pageRank.stream('ring') YIELD score RETURN collect(score) AS s")
        assert len(set(round(score, 6) for score in ranks.records[0]["s"])) == 1  # a ring: every node alike
        driver.execute_query("CALL gds.graph.drop('ring')")
    assert (server.home / "conf" / "neo4j.conf").read_text().count("dbms.security.procedures.unrestricted=gds.*") == 1
    assert any(server.plugins_dir.glob("proc-2.13.*.jar"))


@pytest.mark.neo4j
def test_the_heap_and_page_cache_are_as_asked(started: Started) -> None:
    """``NEO4J_DEV_HEAP`` and ``--pagecache`` size the server (a large graph in GDS needs more)."""
    server = started.server
    command_line = Path(f"/proc/{server.running_pid()}/cmdline").read_bytes().split(b"\0")
    assert b"-Xmx768m" in command_line
    with neo4j.GraphDatabase.driver(server.uri, auth=(server.username, server.password)) as driver:
        setting = driver.execute_query(
            "SHOW SETTINGS YIELD name, value WHERE name = 'server.memory.pagecache.size' RETURN value"
        ).records[0]["value"]
    assert setting == "96.00MiB"


@pytest.mark.neo4j
def test_neo4j_admin_csv_imported_into_a_new_server_is_there_once_it_starts(tmp_path: Path) -> None:
    """Neo4j's bulk importer fills a server's database (the benchmarks load a large demo
    so); a running server is refused, with what to do."""
    (tmp_path / "people.csv").write_text("key:ID,:LABEL,name,age:int\nP1,Person,Ana,41\nP2,Person;Suspect,Bo,\n")
    (tmp_path / "knows.csv").write_text(":START_ID,:END_ID,:TYPE,since:date\nP1,P2,KNOWS,2024-05-01\n")
    server = Neo4jServer(tmp_path / "home", free_port(), heap="512m", pagecache="64m")
    server.import_csv([tmp_path / "people.csv"], [tmp_path / "knows.csv"])
    server.start()
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.username, server.password)) as driver:
            rows = driver.execute_query(
                "MATCH (a)-[r:KNOWS]->(b) RETURN a.key AS a, a.age AS age, labels(b) AS labels, r.since.year AS year"
            ).records
        assert [record.data() for record in rows] == [
            {"a": "P1", "age": 41, "labels": ["Person", "Suspect"], "year": 2024}
        ]
        with pytest.raises(ServerError, match="is running: stop it before importing"):
            server.import_csv([tmp_path / "people.csv"], [])
    finally:
        server.stop()


def test_credentials_are_owner_only_from_the_first_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed right after the password is written, before any chmod: still owner-only,
    and the lines already in ``.env`` are kept."""

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt("killed")

    (tmp_path / "password").write_text("kSecret\n")
    env_file = tmp_path / ".env"
    env_file.write_text("KG_USER=ana\nNEO4J_PASSWORD=old\n")
    monkeypatch.setattr(os, "chmod", killed)
    monkeypatch.setattr(Path, "chmod", killed)
    previous = os.umask(0)
    try:
        Neo4jServer(tmp_path).write_env(env_file)
    except KeyboardInterrupt:
        pass
    finally:
        os.umask(previous)
    assert env_file.read_text().splitlines() == [
        "KG_USER=ana",
        "NEO4J_URI=bolt://127.0.0.1:7687",
        "NEO4J_USERNAME=neo4j",
        "NEO4J_PASSWORD=kSecret",
    ]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == [".env", "password"]
