"""The embedded graph's counts, kept beside its file for the save they were taken from.

Opening a KGLite file decodes all of it (seconds at a million entities), while the
Overview and every command's vocabulary need only how many nodes carry each label and
how many relationships each type has. So the counts of a save are written next to the
file (``graph.kgl.counts``), stamped with the file's modification time and size, and
used only while the file still has that stamp: any later save, by us or another tool,
makes them stale and they are counted again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from graph.records import Counts

__all__ = ["KeptCounts"]


class KeptCounts:
    """``path``: the file the counts are kept in."""

    def __init__(self, path: Path):
        self.path = path

    def get(self, stamp: tuple[int, int] | None) -> Counts | None:
        """The counts kept for the save stamped ``stamp``, if those are the ones kept."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if stamp is None or kept.get("stamp") != list(stamp):
            return None
        return Counts(kept["labels"], kept["types"], kept["nodes"], kept["relationships"])

    def keep(self, stamp: tuple[int, int], counts: Counts) -> None:
        """Keep ``counts`` for the save stamped ``stamp`` (written whole, then renamed in)."""
        record = {
            "stamp": list(stamp),
            "labels": counts.labels,
            "types": counts.types,
            "nodes": counts.nodes,
            "relationships": counts.relationships,
        }
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            partial.write_text(json.dumps(record), encoding="utf-8")
            os.replace(partial, self.path)
        except OSError:  # a read-only folder: counted again next time, nothing lost
            partial.unlink(missing_ok=True)
