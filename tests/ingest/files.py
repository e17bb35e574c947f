"""Helpers for the tests that load files: write one, read a report's reasons, check that
every report reconciles."""

from __future__ import annotations

from pathlib import Path

from ingest.loader import FileReport


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def reasons(report: FileReport) -> dict[int, str]:
    return {reject.row: reject.reason for reject in report.rejects}


def reconciled(reports: list[FileReport]) -> bool:
    """``read == loaded + rejected`` for every file."""
    return all(r.read == r.loaded + r.rejected for r in reports)
