"""How a command reports failures: known ones in one line, a bug with its traceback,
and never the password, even one written inside ``NEO4J_URI``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest

from graph.progress import Cancelled
from tests.conftest import Ran

SECRET = "s3cret-Passw0rd"
ENV = {"NEO4J_URI": f"bolt://neo4j:{SECRET}@127.0.0.1:1"}


@pytest.mark.parametrize(("failure", "status"), [(ValueError, 2), (OSError, 1), (RuntimeError, 1)])
def test_no_message_shows_the_password(
    failure: type[Exception], status: int, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Ran]
) -> None:
    def open_store(**_: object) -> None:
        raise failure(f"the driver said: auth {SECRET} rejected")

    monkeypatch.setattr(importlib.import_module("graph.cli.main"), "open_store", open_store)
    done = cli(ENV, "graph", "counts")
    assert done.returncode == status
    assert "the driver said: auth *** rejected" in done.stderr and SECRET not in done.stderr
    assert ("Traceback" in done.stderr) is (failure is RuntimeError)  # a bug keeps its traceback for the report


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Cancelled])
def test_ctrl_c_stops_a_command_with_one_line_and_no_traceback(
    stop: type[BaseException], monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Ran]
) -> None:
    def open_store(**_: object) -> None:
        raise stop()

    monkeypatch.setattr(importlib.import_module("graph.cli.main"), "open_store", open_store)
    done = cli({}, "graph", "counts")
    assert done.returncode == 130
    assert done.stderr.strip() == "stopped before it finished (Ctrl-C); run it again to complete it"
