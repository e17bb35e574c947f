"""The review page through Streamlit's AppTest: the queue's names shown as text, a
decision and its undo changing the counts, a pair whose node has gone named in one line
rather than a traceback, an empty queue said, and duplicates found from the page (a pair
rejected before a run stays out of the queue), their reasons tagged for or against."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.records import NodeRecord, RelationshipRecord
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, load
from ingest.resolution.judgements import pair_id
from tests.ui.test_pages import PAGES, plain

LONG = "Guangzhou Baiyun Leather Goods Trading Company " * 30
RTL = "شركة النور للتجارة العامة \u202egnp.exe"
NAMES = {
    "CO-R1": "<img src=x onerror=alert(1)>",
    "CO-R2": '"><script>alert(2)</script>',
    "CO-R3": LONG,
    "CO-R4": RTL,
    "CO-R5": "Nordvik Outdoor GmbH",
    "CO-R6": "NORDVIK OUTDOOR",
}
PAIRS = [("CO-R1", "CO-R2", 0.97), ("CO-R3", "CO-R4", 0.91), ("CO-R5", "CO-R6", 0.88)]


def hostile_queue(database: Path, workspace: Workspace) -> None:
    """Six companies, each registered at a shared address with its own phone and named by a
    scraped file's row, and three proposed pairs of them, best first."""
    with EmbeddedStore(database) as store:
        store.upsert_nodes(
            [
                NodeRecord(("Company",), key, {"name": name, "country": "CN"}, source=f"scrape.csv:{i + 2}")
                for i, (key, name) in enumerate(NAMES.items())
            ]
            + [NodeRecord(("Address",), "ADR-R", {"name": "<b>12 Harbour Road</b>"}, source="scrape.csv:1")]
            + [NodeRecord(("Phone",), f"PH-{key}", {"name": f"+86 138 0000 000{i}"}) for i, key in enumerate(NAMES)]
        )
        store.upsert_relationships(
            [RelationshipRecord("REGISTERED_AT", key, "ADR-R") for key in NAMES]
            + [RelationshipRecord("HAS_PHONE", key, f"PH-{key}") for key in NAMES]
        )
    workspace.add(
        "proposals",
        [
            {
                "id": pair_id("Company", a, b),
                "label": "Company",
                "a": a,
                "b": b,
                "score": score,
                "reasons": [f"names {NAMES[a][:40]!r} and {NAMES[b][:40]!r} are alike", "both linked to ADR-R"],
                "a_name": NAMES[a],
                "b_name": NAMES[b],
                "run": "RESOLVE-test",
            }
            for a, b, score in PAIRS
        ],
    )


def review_page(database: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The review page on ``database`` (the test's workspace is the page's)."""
    monkeypatch.setenv("GRAPH_DB", str(database))
    monkeypatch.setenv("NEO4J_URI", "")
    app = AppTest.from_file(str(PAGES / "review.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    return app


def counts(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def click(app: AppTest, label: str) -> AppTest:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()
    assert not app.exception, app.exception
    return app


def test_the_queue_is_text_and_a_decision_and_its_undo_change_the_counts(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_queue(tmp_path / "review.kgl", workspace)
    app = review_page(tmp_path / "review.kgl", monkeypatch)
    assert counts(app) == {"Pending": "3", "Accepted": "0", "Rejected": "0", "Unsure": "0"}
    assert [plain(header.value) for header in app.subheader] == [NAMES["CO-R1"], NAMES["CO-R2"]]
    assert any("scrape.csv:2" in plain(text.value) for text in app.markdown)
    click(app, "Reject (r)")
    assert (
        counts(app)["Rejected"] == "1"
        and plain(app.success[0].value) == f"Rejected {pair_id('Company', 'CO-R1', 'CO-R2')}"
    )
    assert [plain(header.value) for header in app.subheader][1] == RTL.replace("\u202e", "[U+202E]")
    click(app, "Undo last (z)")
    assert counts(app) == {"Pending": "3", "Accepted": "0", "Rejected": "0", "Unsure": "0"}


def test_a_pair_whose_node_has_gone_is_named_in_one_line(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_queue(tmp_path / "review.kgl", workspace)
    with EmbeddedStore(tmp_path / "review.kgl") as store:
        store.delete_nodes(["CO-R2"])
    app = review_page(tmp_path / "review.kgl", monkeypatch)
    assert "CO-R2 is no longer in the graph" in plain(app.warning[0].value)
    click(app, "Accept (a)")
    assert plain(app.error[0].value) == "NodeNotFound: no node with key 'CO-R2'"
    assert counts(app)["Accepted"] == "0"


def test_an_empty_queue_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    EmbeddedStore(tmp_path / "empty.kgl").close()
    app = review_page(tmp_path / "empty.kgl", monkeypatch)
    assert "Nothing to review" in app.info[0].value
    assert all(button.disabled for button in app.button)


def test_duplicates_found_from_the_page_are_queued_and_a_rejected_pair_stays_out(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmbeddedStore(tmp_path / "demo.kgl") as store:
        load(store, generate(12, seed=5))
    app = review_page(tmp_path / "demo.kgl", monkeypatch)
    assert "Nothing to review" in app.info[0].value
    assert app.multiselect(key="review_find_labels").value == [
        "Address",
        "Company",
        "Person",
        "SalesChannel",
        "Supplier",
    ]  # the model's resolvable labels the demo holds
    click(app, "Find duplicates")
    assert plain(app.success[0].value).startswith(
        "6 pairs proposed (0 for Address, 6 for Company, 0 for Person, 0 for SalesChannel, 0 for Supplier; "
        "0 already decided, left out) in "
    )
    assert counts(app) == {"Pending": "6", "Accepted": "0", "Rejected": "0", "Unsure": "0"}
    first = pair_id("Company", "SHL-000-0", "SHL-000-0-V")  # a planted spelling variant
    shown = plain(app.markdown[0].value)
    assert shown.startswith("Pair 1 of 6 · Company · score 99.95% · ") and shown.endswith(first), shown
    reasons = app.markdown[1].value
    assert ":green-badge[+ for ×35]" in reasons and "Evergreen Trading 0000 Ltd" in plain(reasons)
    click(app, "Reject (r)")
    app.multiselect(key="review_find_labels").set_value(["Company"])
    click(app, "Find duplicates")
    assert plain(app.success[0].value).startswith("5 pairs proposed (5 for Company; 1 already decided, left out)")
    assert counts(app) == {"Pending": "5", "Accepted": "0", "Rejected": "1", "Unsure": "0"}
    assert first not in plain(app.markdown[0].value)
    assert first not in {row["id"] for row in workspace.records("proposals")}
