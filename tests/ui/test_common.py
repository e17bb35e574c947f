"""What every page shares: a store that cannot be opened is one error banner that names
the server without its password."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from devserver.neo4j_server import free_port
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
