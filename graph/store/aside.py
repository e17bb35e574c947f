"""A large KGLite writer opened and closed beside other work.

KGLite's open of a large file for writing (10 s at the 1M demo) and the close that frees
it (6 s) release Python's lock. So a command that will write when its analysis is done
opens the file while it computes, and a session that has saved lets its writer go
while the command goes on (or ends: the system drops a dead process's lease, and the
save is already whole on disk). A later writer of the same file in this process waits
for that close rather than for a lease it holds itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

import kglite

__all__ = ["close_aside", "open_aside", "wait_for_close"]

_T = TypeVar("_T")
_closing: dict[Path, threading.Thread] = {}
_closing_lock = threading.Lock()


def open_aside(open_writer: Callable[[], _T]) -> Future[_T]:
    """``open_writer()`` run in a thread of its own; its writer (or error) in the future."""
    opened: Future[_T] = Future()

    def run() -> None:
        try:
            opened.set_result(open_writer())
        except BaseException as error:  # handed to whoever takes the writer
            opened.set_exception(error)

    threading.Thread(target=run, name="kglite-open", daemon=True).start()
    return opened


def close_aside(path: Path, writer: kglite.KnowledgeGraph) -> None:
    """Close ``writer`` of ``path`` in a daemon thread."""
    thread = threading.Thread(target=writer.close, name="kglite-close", daemon=True)
    with _closing_lock:
        _closing[path.resolve()] = thread
    thread.start()


def wait_for_close(path: Path) -> None:
    """Wait until a writer of ``path`` closed aside by this process has let the file go."""
    with _closing_lock:
        thread = _closing.pop(path.resolve(), None)
    if thread is not None:
        thread.join()
