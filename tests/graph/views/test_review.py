"""What the review queue shows of one node of a pair: its name, own properties, links by
type and direction (a handful each, all counted) and the file rows that named it."""

from __future__ import annotations

import datetime as dt

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from graph.views.review import Reason, reason, side

SEEN = dt.datetime(2026, 3, 1, 12, 0)


def test_a_node_is_shown_with_its_links_and_sources(store: GraphStore) -> None:
    store.upsert_nodes(
        [
            NodeRecord(("Company",), "CO-1", {"name": "<b>Nordvik</b> GmbH", "country": "DE"}, source="reg.csv:2"),
            NodeRecord(("Address",), "ADR-1", {"name": "12 Harbour Road"}, source="reg.csv:2"),
            *(NodeRecord(("SalesChannel",), f"SC-{i}", {"name": f"shop {i}"}, source="scrape.csv:9") for i in range(7)),
        ],
        seen=SEEN,
    )
    store.upsert_nodes([NodeRecord(("Company",), "CO-1", {"name": "<b>Nordvik</b> GmbH"}, source="scrape.csv:4")])
    store.upsert_relationships(
        [RelationshipRecord("REGISTERED_AT", "CO-1", "ADR-1")]
        + [RelationshipRecord("SUPPLIES", "CO-1", f"SC-{i}") for i in range(7)]
    )
    shown = side(store, "CO-1", per_type=5)
    assert (shown.name, shown.labels) == ("<b>Nordvik</b> GmbH", ["Company"])
    assert shown.properties == {"country": "DE", "name": "<b>Nordvik</b> GmbH"}  # provenance apart
    assert shown.sources == ["reg.csv:2", "scrape.csv:4"] and shown.first_seen == SEEN
    assert shown.links["REGISTERED_AT →"] == [("12 Harbour Road", "ADR-1")]
    assert shown.links["SUPPLIES →"] == [(f"shop {i}", f"SC-{i}") for i in range(5)]
    assert shown.linked == {"REGISTERED_AT →": 1, "SUPPLIES →": 7} and not shown.more
    assert side(store, "SC-0").links == {"← SUPPLIES": [("<b>Nordvik</b> GmbH", "CO-1")]}
    assert side(store, "CO-404") is None  # merged away since it was proposed


def test_a_reason_is_told_for_or_against_by_its_weight() -> None:
    assert reason("names all but the same: 'Nordvik (A) GmbH' and 'Nordvik GmbH' (×3,119 for)") == Reason(
        "names all but the same: 'Nordvik (A) GmbH' and 'Nordvik GmbH'", "×3,119", "for"
    )
    assert reason("each linked to a different Phone (×3.3 against)") == Reason(
        "each linked to a different Phone", "×3.3", "against"
    )
    assert reason("both linked to ADR-R") == Reason("both linked to ADR-R")  # written without a weight
