"""A local Neo4j Community 5.26 server for development and tests.

It runs from the jars Maven fetched into ``devserver/target/lib`` (``make neo4j-jars``),
with the Graph Data Science plugin (``devserver/target/plugins``) installed in its
``plugins/`` folder as Neo4j's own launcher takes it, listens on 127.0.0.1 only, has
authentication on with a generated password, and keeps its data, logs and password under
one git-ignored home folder.

    python -m devserver.neo4j_server start [--home .neo4j] [--port 7687] [--env-file .env]
                                           [--heap 1g] [--pagecache 512m]
    python -m devserver.neo4j_server stop [--home .neo4j]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Neo4jServer", "ServerError", "free_port", "write_private"]

ROOT = Path(__file__).resolve().parent
JARS = ROOT / "target" / "lib"
GDS_JARS = ROOT / "target" / "plugins"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "512m"


class ServerError(RuntimeError):
    """The server could not be installed, started or stopped; says what to do."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Neo4jServer:
    """One server home: ``conf/``, ``data/``, ``logs/``, ``password`` and ``neo4j.pid``."""

    def __init__(
        self,
        home: str | os.PathLike[str],
        port: int = 7687,
        heap: str | None = None,
        pagecache: str | None = None,
    ):
        """``heap`` and ``pagecache`` (Java sizes such as ``4g``): given, else
        ``NEO4J_DEV_HEAP`` / ``NEO4J_DEV_PAGECACHE``, else 1 GB and 512 MB (a large graph
        in Graph Data Science needs more heap)."""
        self.home = Path(home).resolve()
        self.port = port
        self.heap = heap or os.environ.get("NEO4J_DEV_HEAP") or DEFAULT_HEAP
        self.pagecache = pagecache or os.environ.get("NEO4J_DEV_PAGECACHE") or DEFAULT_PAGECACHE
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def username(self) -> str:
        return "neo4j"

    @property
    def password(self) -> str:
        return (self.home / "password").read_text().strip()

    @property
    def import_dir(self) -> Path:
        """Where ``LOAD CSV FROM 'file:///name.csv'`` reads (used by the benchmarks)."""
        return self.home / "import"

    @property
    def plugins_dir(self) -> Path:
        return self.home / "plugins"

    @property
    def _pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    def _java(self) -> str:
        java = shutil.which("java")
        if not java:
            raise ServerError("java was not found: Neo4j 5.26 needs Java 17 or 21 on the PATH")
        if not JARS.is_dir() or not any(JARS.glob("neo4j-5.*.jar")):
            raise ServerError(f"the Neo4j jars are missing from {JARS}: run `make neo4j-jars`")
        return java

    def _write_config(self) -> None:
        conf = self.home / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.import_dir),
            "server.directories.plugins": str(self.plugins_dir),
            "dbms.security.procedures.unrestricted": "gds.*",
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "1 files",
        }
        (conf / "neo4j.conf").write_text("".join(f"{key}={value}\n" for key, value in settings.items()))

    def _install_plugins(self) -> None:
        """Copy the GDS jars into ``plugins/`` afresh (a newer ``make neo4j-jars`` replaces
        an older release). Neo4j's launcher puts ``plugins/*`` on the class path: GDS's
        extension is found there, its procedures in the folder."""
        if not GDS_JARS.is_dir() or not any(GDS_JARS.glob("proc-*.jar")):
            raise ServerError(f"the Graph Data Science jars are missing from {GDS_JARS}: run `make neo4j-jars`")
        shutil.rmtree(self.plugins_dir, ignore_errors=True)
        shutil.copytree(GDS_JARS, self.plugins_dir)

    def _admin(self, java: str, arguments: list[str], failure: str, secret: str = "") -> None:
        """Run Neo4j's admin tool on this home. It reads its arguments from an owner-only
        ``@file`` (picocli's argument files): on a command line any local user could read
        a password with ``ps``."""
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.home / "conf"))
        argument_file = self.home / "admin.args"
        write_private(argument_file, "".join(f'"{argument}"\n' for argument in arguments))
        try:
            done = subprocess.run(
                [java, f"-Xmx{self.heap}", "-cp", f"{JARS}/*", ADMIN_TOOL, f"@{argument_file}"],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            argument_file.unlink(missing_ok=True)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()[-500:]
            raise ServerError(f"{failure}: {detail.replace(secret, '***') if secret else detail}")

    def _set_initial_password(self, java: str) -> None:
        """Generate the password once, before the first start (Neo4j's own admin tool)."""
        password_file = self.home / "password"
        if password_file.exists():
            return
        password = "k" + secrets.token_urlsafe(24)  # never a leading "-", which the admin tool reads as an option
        self._admin(
            java, ["dbms", "set-initial-password", password], "neo4j-admin could not set the initial password", password
        )
        write_private(password_file, password + "\n")

    def import_csv(self, nodes: Sequence[Path], relationships: Sequence[Path]) -> None:
        """Replace the default database with neo4j-admin CSV files, each with its header
        line, by Neo4j's own bulk importer (the server stopped): the quickest way to put a
        large graph into a fresh server for a benchmark."""
        if self.running_pid():
            raise ServerError(f"the server in {self.home} is running: stop it before importing into it")
        java = self._java()
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._set_initial_password(java)
        report = f"--report-file={self.home / 'import.report'}"
        files = [f"--nodes={path}" for path in nodes] + [f"--relationships={path}" for path in relationships]
        # the database first: each --nodes takes every file name after it
        arguments = ["database", "import", "full", "neo4j", "--overwrite-destination", report, *files]
        self._admin(java, arguments, "neo4j-admin could not import the files")

    def running_pid(self) -> int | None:
        if self._process is not None and self._process.poll() is not None:
            return None  # our own child has exited (and is now reaped)
        try:
            pid = int(self._pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None

    def start(self, timeout: float = 120.0) -> Neo4jServer:
        """Start the server (if it is not running) and wait until Bolt answers."""
        if self.running_pid():
            self._wait_for_bolt(timeout)
            return self
        java = self._java()
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._install_plugins()
        self._set_initial_password(java)
        log = open(self.home / "console.log", "ab")
        process = subprocess.Popen(
            [
                java,
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                "-cp",
                f"{self.plugins_dir}/*:{JARS}/*",
                ENTRY_POINT,
                f"--home-dir={self.home}",
                f"--config-dir={self.home / 'conf'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._process = process
        self._pid_file.write_text(str(process.pid))
        try:
            self._wait_for_bolt(timeout, process)
        except ServerError:
            self.stop()
            raise
        return self

    def _wait_for_bolt(self, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
        import neo4j

        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise ServerError(f"Neo4j exited with status {process.returncode}; see {self._log_tail()}")
            try:
                with neo4j.GraphDatabase.driver(self.uri, auth=(self.username, self.password)) as driver:
                    driver.verify_connectivity()
                return
            except Exception as error:  # not up yet: refused, handshake, auth not ready
                last_error = error
                time.sleep(0.5)
        raise ServerError(
            f"Neo4j did not answer on {self.uri} within {timeout:.0f} s ({last_error}); see {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        for name in ("logs/neo4j.log", "console.log"):
            path = self.home / name
            if path.exists():
                return f"{path}:\n" + "\n".join(path.read_text(errors="replace").splitlines()[-20:])
        return str(self.home)

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it lingers."""
        pid = self.running_pid()
        if pid is not None:
            os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.running_pid():
                time.sleep(0.2)
            if self.running_pid():
                os.killpg(pid, signal.SIGKILL)
        self._pid_file.unlink(missing_ok=True)

    def write_env(self, path: str | os.PathLike[str]) -> None:
        """Point the tool at this server through a git-ignored ``.env``, keeping other lines."""
        env_path = Path(path)
        ours = {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.username, "NEO4J_PASSWORD": self.password}
        kept = []
        if env_path.exists():
            kept = [line for line in env_path.read_text().splitlines() if line.split("=", 1)[0].strip() not in ours]
        write_private(env_path, "\n".join(kept + [f"{key}={value}" for key, value in ours.items()]) + "\n")


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by its owner only from the first byte: the
    text goes into a new 0600 file that then takes the name (a crash leaves the old file
    or the new one, never a world-readable password)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devserver.neo4j_server", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--home", default=".neo4j", help="server home folder (default .neo4j)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NEO4J_DEV_PORT", "7687")))
    parser.add_argument("--env-file", default=".env", help="where to write NEO4J_URI and credentials")
    parser.add_argument("--heap", help=f"Java heap, e.g. 4g (default NEO4J_DEV_HEAP, else {DEFAULT_HEAP})")
    parser.add_argument(
        "--pagecache", help=f"page cache, e.g. 2g (default NEO4J_DEV_PAGECACHE, else {DEFAULT_PAGECACHE})"
    )
    args = parser.parse_args(argv)
    server = Neo4jServer(args.home, args.port, heap=args.heap, pagecache=args.pagecache)
    try:
        if args.action == "start":
            server.start()
            server.write_env(args.env_file)
            print(f"Neo4j is running on {server.uri}; credentials are in {args.env_file}")
        else:
            server.stop()
            print("Neo4j stopped")
    except (ServerError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
