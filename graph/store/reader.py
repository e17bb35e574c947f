"""A local reader process that keeps a large embedded graph open between commands.

KGLite decodes the whole file when it opens it (12 s and 2.3 GB at the 1M demo, most of
it the relationships' timestamps), and each ``python -m graph`` command is a new process.
So a command that waited for that open leaves a reader behind: a process holding the
file's last save that answers read calls over a Unix socket only this user can reach,
reloads when the file changes, and leaves after ``KG_READER_IDLE`` seconds (default
eight hours, a working day) without a call. The next commands' reads go to it and take
milliseconds. A load and the app's start begin one without waiting for it
(:func:`start_reader`), so the first command after them finds the file open;
``python -m graph reader stop`` hands its memory back at once.

Writes never go through it: a command writes the file itself, under the file's write
lease, and the reader picks up the checkpoint. ``KG_READER=off`` keeps every command on
its own copy. The reader serves only KGLite's read calls, on a snapshot KGLite itself
holds read-only, and its answers are unpickled with an allow-list of plain values.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import pickle
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import kglite
import numpy as np
import pandas as pd

from graph.store.engine import QueryError, RelationshipEnds

__all__ = [
    "RemoteGraph",
    "file_stamp",
    "load_snapshot",
    "reader_address",
    "relationship_ends",
    "reader_status",
    "serving_reader",
    "start_reader",
    "stop_reader",
]

#: The KnowledgeGraph calls a reader answers, and :func:`relationship_ends`: all of them read.
_SERVED = frozenset({"cypher", "schema", "graph_info", "relationship_ends"})
#: The only classes an answer may carry besides plain values (KGLite's temporal values).
_SAFE = frozenset(("datetime", name) for name in ("datetime", "date", "time", "timedelta", "timezone"))
_HEADER = struct.Struct(">Q")
#: How long a command waits for a reader to open the file before opening it itself.
_OPENING_WAIT = 600.0
_SETTLED = 5.0
#: Seconds a reader stays without a call unless ``KG_READER_IDLE`` says otherwise.
IDLE = 8 * 3600.0


def enabled() -> bool:
    setting = os.environ.get("KG_READER", "")
    return setting.strip().lower() not in {"off", "0", "no", "false"}


def file_stamp(path: Path) -> tuple[int, int] | None:
    """What changes whenever a save lands (``None``: no graph there yet)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def load_snapshot(path: Path, stamp: tuple[int, int] | None) -> kglite.KnowledgeGraph:
    """The file's last save, read-only (an empty graph when there is no file yet)."""
    graph = kglite.load(str(path)) if stamp else kglite.KnowledgeGraph()
    graph.read_only(True)
    return graph


def relationship_ends(graph: kglite.KnowledgeGraph) -> RelationshipEnds:
    """Every relationship of ``graph`` as its ends' element ids and its type. KGLite's CSV
    export writes them so, in a second and a half at the 1M demo where Cypher takes ten;
    the files live in a folder only this user may enter, for as long as they are read."""
    with tempfile.TemporaryDirectory(prefix="kg-ends-") as folder:
        graph.export(str(Path(folder) / "graph.csv"), format="csv", selection_only=False)
        frame = pd.read_csv(
            Path(folder) / "graph_edges.csv",
            engine="pyarrow",
            usecols=["source", "target", "type"],
            dtype={"source": "int64", "target": "int64", "type": "category"},
        )
    kinds = frame["type"].cat
    return RelationshipEnds(
        [str(name) for name in kinds.categories],
        kinds.codes.to_numpy(np.int32),
        frame["source"].to_numpy(np.int64),
        frame["target"].to_numpy(np.int64),
    )


def _called(graph: kglite.KnowledgeGraph, method: str, args: tuple[Any, ...], options: Mapping[str, Any]) -> Any:
    """A served call on a graph of this process."""
    if method == "relationship_ends":
        return relationship_ends(graph)
    return getattr(graph, method)(*args, **options)


def reader_address(graph: Path) -> Path:
    """The socket of the reader for ``graph``, in a directory only this user may enter."""
    folder = Path(tempfile.gettempdir()) / f"kg-reader-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise QueryError(f"{folder} is not private to this user: the graph reader will not use it")
    digest = hashlib.sha256(str(graph.resolve()).encode()).hexdigest()[:24]
    return folder / f"{digest}.sock"


# -- the wire ------------------------------------------------------------------------


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} cannot come from the graph reader")


def _send(connection: socket.socket, value: Any) -> None:
    data = pickle.dumps(value, protocol=5)
    connection.sendall(_HEADER.pack(len(data)) + data)


def _receive(connection: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_exactly(connection, _HEADER.size))
    return _SafeUnpickler(io.BytesIO(_exactly(connection, size))).load()


def _exactly(connection: socket.socket, size: int) -> bytearray:
    data = bytearray(size)
    view, done = memoryview(data), 0
    while done < size:
        got = connection.recv_into(view[done:])
        if not got:
            raise ConnectionError("the graph reader closed the connection")
        done += got
    return data


# -- the client ----------------------------------------------------------------------


class Rows:
    """A served Cypher answer, with the parts of KGLite's result view the store uses. It
    travels as columns: lists of values pickle several times faster than rows of dicts."""

    def __init__(self, columns: dict[str, list[Any]], warnings: list[str]):
        self.columns, self._values, self.warnings = list(columns), columns, warnings

    def to_list(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in zip(*self._values.values(), strict=True)]

    def column(self, name: str) -> list[Any]:
        return self._values[name]


class RemoteGraph:
    """The file's last save as a reader holds it, behind KGLite's read calls. Should the
    reader go away (idle, killed) or send what may not be unpickled, the calls go to
    ``fallback()``, a copy of our own, from then on."""

    def __init__(self, address: Path, fallback: Callable[[], Any]):
        self.address = address
        self._fallback = fallback
        self._local: Any = None

    def cypher(self, statement: str, **options: Any) -> Any:
        served = self._call("cypher", statement, **options)
        return served if self._local is not None else Rows(*served)

    def schema(self) -> Any:
        return self._call("schema")

    def graph_info(self) -> Any:
        return self._call("graph_info")

    def relationship_ends(self) -> RelationshipEnds:
        served = self._call("relationship_ends")
        return served if self._local is not None else RelationshipEnds.from_bytes(served)

    def _call(self, method: str, *args: Any, **options: Any) -> Any:
        if self._local is None:
            try:
                outcome = _ask(self.address, (method, args, options))
            except (OSError, pickle.UnpicklingError):
                self._local = self._fallback()
            else:
                return _answer(outcome)
        return _called(self._local, method, args, options)


def _ask(address: Path, request: tuple[str, tuple[Any, ...], Mapping[str, Any]]) -> Any:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(str(address))
        _send(connection, request)
        return _receive(connection)


def _answer(outcome: tuple[Any, ...]) -> Any:
    """The served value, or the reader's error raised here as the same KGLite error (so
    the store words it as it would its own)."""
    if outcome[0] == "ok":
        return outcome[1]
    _, name, message = outcome
    error = getattr(kglite, name, None)
    if isinstance(error, type) and issubclass(error, Exception):
        raise error(message)
    raise QueryError(message)


def serving_reader(graph: Path) -> Path | None:
    """The address of the reader serving ``graph``, started if there is none and waited
    for while it opens the file (``None``: it could not be started or did not answer
    within ``_OPENING_WAIT``, and the caller opens the file itself)."""
    address = reader_address(graph)
    started: subprocess.Popen[bytes] | None = None
    deadline = time.monotonic() + _OPENING_WAIT
    while not _serving(address):
        if time.monotonic() > deadline:
            return None
        if started is None and not _opening(address):
            started = _start(graph, address)
        elif started is not None and started.poll() is not None:  # it left: another one won the file
            started = None
            if not _opening(address):
                return None
        time.sleep(0.05)
    return address


def _serving(address: Path) -> bool:
    """Whether a reader answers at ``address``: its socket is there and it holds the lock
    (a socket alone may be left by a reader that was killed)."""
    return address.exists() and _opening(address)


def _opening(address: Path) -> bool:
    """Whether a reader holds the lock of ``address`` (so it is opening the file)."""
    if not address.with_suffix(".lock").exists():
        return False
    with open(address.with_suffix(".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def start_reader(graph: Path) -> bool:
    """Begin a reader for ``graph`` if none serves or opens it, without waiting for the
    open (False: there is one already, or readers are off). Of two started at once, the
    second leaves as soon as it finds the first holding the file."""
    address = reader_address(graph)
    if not enabled() or _opening(address):
        return False
    _start(graph, address)
    return True


def _start(graph: Path, address: Path) -> subprocess.Popen[bytes]:
    """A reader for ``graph``, detached: it outlives this process. Its messages go to a
    log beside its socket; a thread of ours reaps it should it leave before we do."""
    with open(address.with_suffix(".log"), "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.store.reader", str(graph.resolve())],
            cwd=Path(__file__).resolve().parents[2],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    threading.Thread(target=process.wait, name="reader-reaper", daemon=True).start()
    return process


def reader_status(graph: Path) -> dict[str, Any] | None:
    """The reader of ``graph``: its process id, whether it is still opening the file,
    and the memory it holds (``None``: no reader)."""
    address = reader_address(graph)
    if not _opening(address):
        return None
    try:
        pid = int(address.with_suffix(".lock").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return {"pid": pid, "state": "serving" if address.exists() else "opening", "memory_mb": _resident_mb(pid)}


def _resident_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    resident = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(resident[0]) / 1024 if resident else None


def stop_reader(graph: Path, *, timeout: float = 30.0) -> bool:
    """Stop the reader serving ``graph``, if one does, and wait for it to leave (False:
    there was none)."""
    address = reader_address(graph)
    status = reader_status(graph)
    if status is None:
        return False
    os.kill(status["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _opening(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


# -- the reader process --------------------------------------------------------------


class _Snapshot:
    """The file's last save, reloaded when the file changes."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        self.stamp = file_stamp(path)
        self.graph: kglite.KnowledgeGraph | None = load_snapshot(path, self.stamp)
        self.last_call = time.monotonic()

    def refresh(self) -> None:
        stamp = file_stamp(self.path)
        if stamp != self.stamp:
            self.graph = None  # one copy in memory at a time
            self.graph, self.stamp = load_snapshot(self.path, stamp), stamp

    def call(self, method: str, args: tuple[Any, ...], options: Mapping[str, Any]) -> Any:
        if method not in _SERVED:
            raise QueryError(f"the graph reader does not serve {method!r}")
        with self.lock:
            self.last_call = time.monotonic()
            self.refresh()
            value = _called(self.graph, method, args, options)
        if method == "cypher":
            return {name: list(value.column(name)) for name in value.columns}, list(value.warnings)
        if method == "relationship_ends":
            return value.to_bytes()  # plain values: the client unpickles nothing else
        return value


def _handler(snapshot: _Snapshot) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            peer = self.request.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            if struct.unpack("3i", peer)[1] != os.getuid():
                return
            method, args, options = _receive(self.request)
            try:
                outcome: tuple[Any, ...] = ("ok", snapshot.call(method, args, options))
            except Exception as error:
                outcome = ("error", type(error).__name__, str(error))
            _send(self.request, outcome)

    return Handler


def serve(graph: Path, *, idle: float) -> None:
    """Open ``graph`` and answer read calls until ``idle`` seconds pass without one or
    the file goes away. One reader per graph: a second one leaves at once."""
    address = reader_address(graph)
    with open(address.with_suffix(".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # who serves it, for whoever needs to stop it
        lock.flush()
        address.unlink(missing_ok=True)  # left by a reader that was killed
        snapshot = _Snapshot(graph)
        server = socketserver.ThreadingUnixStreamServer(str(address), _handler(snapshot))
        server.daemon_threads = True
        os.chmod(address, 0o600)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            while _wanted(snapshot, idle):
                time.sleep(1.0)
        finally:
            server.shutdown()
            address.unlink(missing_ok=True)
            address.with_suffix(".lock").unlink(missing_ok=True)
            _drop_if_empty(address.with_suffix(".log"))


def _drop_if_empty(log: Path) -> None:
    """A reader's log, gone with it when it has nothing to say (one per graph file)."""
    with contextlib.suppress(OSError):
        if log.stat().st_size == 0:
            log.unlink()


def _wanted(snapshot: _Snapshot, idle: float) -> bool:
    """Whether to go on serving: the file is there and was asked about within ``idle``
    seconds. A save that has settled (no other for ``_SETTLED`` seconds: a load saves
    after each file) is loaded now rather than at the next call."""
    stamp = file_stamp(snapshot.path)
    if stamp is None:
        return False
    if stamp != snapshot.stamp and time.time_ns() - stamp[0] > _SETTLED * 1e9:
        with snapshot.lock:
            snapshot.refresh()
    return time.monotonic() - snapshot.last_call < idle


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leave through serve's clean-up
    kglite.set_query_warning_policy("silent")  # they travel with each answer, not to the log
    serve(Path(sys.argv[1]), idle=float(os.environ.get("KG_READER_IDLE", IDLE)))
