"""The Streamlit app on a free local port, for the browser tests and the load bench:
``streamlit run app.py`` on 127.0.0.1 against an embedded graph file, with its own
workspace, audit log and saved-query folder beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devserver.neo4j_server import free_port

__all__ = ["ServedApp", "serving_app"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ServedApp:
    url: str
    pid: int  # the app server's process, for its memory and CPU figures


@contextmanager
def serving_app(
    database: Path,
    folder: Path,
    *,
    timeout: float = 90.0,
    root: Path = ROOT,
    store_env: Mapping[str, str] | None = None,
) -> Iterator[ServedApp]:
    """Yield the app once it answers its health check; stop it afterwards. ``root`` is
    the checkout whose app runs (the scale bench also runs an older one); ``store_env``
    points it at another store (a Neo4j server's ``NEO4J_*``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        GRAPH_DB=str(database),
        KG_WORKSPACE=str(folder / "workspace.sqlite"),
        KG_AUDIT_LOG=str(folder / "audit.jsonl"),
        KG_USER_QUERIES=str(folder / "queries"),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    env.update(store_env or {})
    port = free_port()
    log = open(folder / "app.log", "w+b")  # noqa: SIM115 (read back if it fails to start)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port)],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        f"the app did not start: {log.read().decode(errors='replace')[-2000:]}"
                    ) from None
                time.sleep(0.5)
        yield ServedApp(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
