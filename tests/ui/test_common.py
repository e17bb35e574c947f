"""What every page shares: a store that cannot be opened is one error banner that names
the server without its password."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from devserver.neo4j_server import free_port
from graph.views import png
from tests.ui.conftest import ROOT


def test_the_error_banner_names_the_server_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_URI", f"neo4j://neo4j:s3cret-Passw0rd@127.0.0.1:{port}")
    app = AppTest.from_file(str(ROOT / "ui" / "pages" / "overview.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    [banner] = [element.value for element in app.error]
    assert f"neo4j://127.0.0.1:{port}" in banner.replace("\\", "") and "s3cret" not in banner


def _briefing_panel_of_a_small_view() -> None:
    """A page holding only the export panel of a two-node view (AppTest runs its source)."""
    import networkx as nx

    from ui.common import briefing_panel

    graph = nx.MultiDiGraph()
    graph.add_node("SC-1", labels=["SalesChannel"], properties={"name": "shop", "buyer_persona": "Kestrel"})
    graph.add_node("P-1", labels=["Person"], properties={"name": "Ana", "informant": "Juniper"})
    graph.add_edge("P-1", "SC-1", type="OPERATES", properties={"since": "2024"})
    briefing_panel(graph, key="b", title="Ring", node_notes={"P-1": [{"text": "seen", "by": "ana", "at": "2026"}]})


def test_the_briefing_panel_asks_for_author_question_and_redaction_and_offers_a_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPH_DB", str(tmp_path / "graph.kgl"))
    printed: list[str] = []

    def in_chromium(page: str, out: Path, **options: object) -> Path:  # the browser tests print for real
        printed.append(page)
        out.write_bytes(b"%PDF-1.7")
        return out

    monkeypatch.setattr(png, "pdf_of", in_chromium)
    monkeypatch.setattr(png, "png_of", in_chromium)
    app = AppTest.from_function(_briefing_panel_of_a_small_view, default_timeout=60).run()
    assert not app.exception, app.exception
    assert [field.label for field in app.text_input] == ["Title", "Author", "Question"]
    [redact] = app.multiselect
    assert redact.label == "Redact properties"
    assert redact.options == ["buyer_persona", "informant", "name", "since"]  # what the view's entities and links hold
    assert not app.get("download_button") and printed == []  # made when asked, with a progress bar
    app.text_input(key="b_author").input("A. Analyst").run()
    [make] = app.button
    make.click().run()
    assert not app.exception, app.exception
    buttons = [button.proto.label for button in app.get("download_button")]
    assert buttons == ["Briefing (HTML)", "Briefing (PDF)", "Graph image (PNG)"]
    assert len(printed) == 2 and "A. Analyst" in printed[0]
    app.text_input(key="b_author").input("B. Analyst").run()  # the files made no longer match: not offered
    assert not app.get("download_button") and any("make it again" in c.value for c in app.caption)
