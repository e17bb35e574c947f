"""Entity search in milliseconds at a million nodes: a SQLite file beside the graph.

The embedded engine has no substring index, and scanning every name per search takes
seconds at a million nodes (one label ~0.1 s; the fuzzy search probes many times). So
each node's key, labels and folded display name go into a SQLite table with an FTS5
trigram index: exact and prefix matches come from a B-tree, substrings of three or more
characters from the trigrams, shorter ones from a scan of the names alone.

The index is derived data, not the tool's records: it lives beside the graph
(``graph.kgl`` -> ``graph.kgl.search``), is rebuilt whole into a new file and renamed
over the old one (readers never see half of it), and carries the signature of the graph
it was built from, so a stale index is rebuilt rather than trusted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path

from graph.progress import SILENT, Progress

__all__ = ["IndexBuilder", "SearchIndex"]

_SCHEMA = """
CREATE TABLE meta (signature TEXT NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, key TEXT NOT NULL, label TEXT NOT NULL, search TEXT NOT NULL);
CREATE VIRTUAL TABLE grams USING fts5(search, content='entries', content_rowid='id', tokenize='trigram');
"""
_AFTER_FILL = """
CREATE INDEX entries_search ON entries (search, label);
INSERT INTO grams (grams) VALUES ('optimize');
"""
#: Substring matches ranked per search: exact and prefix matches are all found (from the
#: B-tree), substrings shortest first among this many (a three-letter probe can match
#: every name in a million).
SUBSTRING_CAP = 20_000
_EXACT = "SELECT id FROM entries WHERE search = :q"
_PREFIX = "SELECT id FROM entries WHERE search > :q AND search < :q || char(1114111)"
_SUBSTRING = "SELECT rowid FROM grams WHERE grams MATCH :phrase LIMIT :cap"
_SHORT_SUBSTRING = "SELECT id FROM entries WHERE instr(search, :q) > 0 LIMIT :cap"
_RANKED = """
SELECT key, {rank} AS rank, length(search) AS size FROM entries
WHERE id IN ({matches}) {labels} ORDER BY size, key LIMIT :limit
"""


class SearchIndex:
    """The search file of one graph: :meth:`find` keys by name, :meth:`rebuild` it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def signature(self) -> str | None:
        """The signature of the graph the index was built from (None: no usable index)."""
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                return db.execute("SELECT signature FROM meta").fetchone()[0]
        except (sqlite3.Error, TypeError):
            return None

    def rebuild(
        self,
        entries: Iterable[tuple[str, Sequence[str], str]],
        signature: str,
        *,
        total: int | None = None,
        progress: Progress = SILENT,
    ) -> None:
        """Index ``(key, labels, folded name)`` entries, replacing the file whole."""
        builder = self.builder()
        try:
            builder.add(progress.track(entries, "indexing names for search", total, 50_000))
            builder.finish(signature, progress)
        finally:
            builder.discard()

    def builder(self) -> IndexBuilder:
        """A new index, filled as entries come (a load's nodes as it writes them) and put
        in place whole by :meth:`IndexBuilder.finish`."""
        return IndexBuilder(self.path)

    def find(self, needle: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[tuple[str, int]]:
        """Keys whose folded name contains ``needle`` (already folded), with their rank
        (0 exact, 1 prefix, 2 substring), best first."""
        wanted = list(labels or [])
        label_filter = f"AND label IN ({', '.join(f':l{i}' for i in range(len(wanted)))})" if wanted else ""
        params = {"q": needle, "phrase": _phrase(needle), "limit": int(limit), "cap": SUBSTRING_CAP}
        params.update({f"l{i}": label for i, label in enumerate(wanted)})
        substring = _SUBSTRING if len(needle) >= 3 else _SHORT_SUBSTRING
        best: dict[str, tuple[int, int]] = {}
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            for rank, matches in enumerate((_EXACT, _PREFIX, substring)):
                query = _RANKED.format(rank=rank, matches=matches, labels=label_filter)
                for key, found, size in db.execute(query, params):
                    best.setdefault(key, (found, size))
        ranked = sorted(best.items(), key=lambda item: (*item[1], item[0]))
        return [(key, rank) for key, (rank, _) in ranked[: int(limit)]]


class IndexBuilder:
    """An index file being built beside the live one (which readers keep using). Its
    trigram index can be built in the background once no entry will come (SQLite lets
    Python's lock go while it works: a load's relationships go on being written)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._partial = path.with_name(f"{path.name}.{os.getpid()}.{id(self)}.tmp")
        self._partial.unlink(missing_ok=True)
        self._db: sqlite3.Connection | None = sqlite3.connect(self._partial, check_same_thread=False)
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._building: threading.Thread | None = None
        self._failed: BaseException | None = None

    @property
    def building(self) -> bool:
        """The trigram index is being built: no more entries."""
        return self._building is not None

    def add(self, entries: Iterable[tuple[str, Sequence[str], str]]) -> None:
        """Add ``(key, labels, folded name)`` entries."""
        if self._db is None or self._building is not None:
            raise RuntimeError("the index takes no more entries")
        rows = ((key, label, search or "") for key, labels, search in entries for label in labels)
        self._db.executemany("INSERT INTO entries (key, label, search) VALUES (?, ?, ?)", rows)

    def build_in_background(self) -> None:
        """Start building the trigram index: every entry is in."""
        if self._db is not None and self._building is None:
            self._building = threading.Thread(target=self._build_quietly, name="search-index", daemon=True)
            self._building.start()

    def _build(self) -> None:
        if self._db is None:
            raise RuntimeError("the index is finished or discarded")
        self._db.execute("INSERT INTO grams (grams) VALUES ('rebuild')")
        self._db.executescript(_AFTER_FILL)

    def _build_quietly(self) -> None:
        try:
            self._build()
        except BaseException as error:  # raised by finish(), in the caller's thread
            self._failed = error

    def finish(self, signature: str, progress: Progress = SILENT) -> None:
        """Build the trigram index (or wait for it) and put the file in place of the live one."""
        progress.report("building the search index")
        if self._building is None:
            self._build()
        else:
            self._building.join()
            if self._failed is not None:
                raise self._failed
        db, self._db = self._db, None
        if db is None:
            raise RuntimeError("the index is finished or discarded")
        with closing(db):
            db.execute("INSERT INTO meta VALUES (?)", (signature,))
            db.commit()
        os.replace(self._partial, self.path)

    def discard(self) -> None:
        """Drop what was built, unless it was finished."""
        if self._db is not None:
            if self._building is not None:
                self._db.interrupt()
                self._building.join()
            self._db.close()
            self._db = None
        self._partial.unlink(missing_ok=True)


def _phrase(needle: str) -> str:
    """``needle`` as one FTS5 phrase: matched as a substring by the trigram tokenizer."""
    return '"' + needle.replace('"', '""') + '"'


def signature_of(counts: dict[str, int]) -> str:
    """What the index must match: nodes per label (a load rebuilds it whatever they are)."""
    return json.dumps({"labels": counts}, sort_keys=True)
