"""The app's current page on the demo rings, through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.embedded_store import EmbeddedStore
from ingest.demo import generate, load

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.kgl"
    load(EmbeddedStore(path), generate(rings=3, seed=1))
    monkeypatch.setenv("GRAPH_DB", str(path))
    monkeypatch.setenv("NEO4J_URI", "")
    return path


def test_overview_counts_and_search(demo_db: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    counts = EmbeddedStore(demo_db).counts()
    assert metrics == {"Nodes": str(counts.nodes), "Relationships": str(counts.relationships)}
    app.text_input[0].input("operation").run()
    assert not app.exception
    found = app.dataframe[2].value
    assert len(found) == 3 and all(key.startswith("CASE-") for key in found["key"])
    neighbours = app.dataframe[3].value
    case = app.selectbox[0].value
    involves = neighbours[neighbours["type"] == "INVOLVES"]
    assert len(involves) == 4 and set(involves["from"]) == {case}  # seizure, suspect, two targets
