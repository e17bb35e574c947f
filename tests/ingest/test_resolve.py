"""Duplicate proposals: the demo's planted spelling variants are found, with reasons,
and nothing else is proposed."""

from __future__ import annotations

from graph.store import GraphStore
from ingest.demo import generate, load
from ingest.normalize import domain, email, name_key, phone
from ingest.resolve import propose


def test_planted_variants_are_proposed_and_nothing_else(store: GraphStore) -> None:
    demo = generate(40, seed=5)
    load(store, demo)
    candidates = propose(store)
    found = {(c.a, c.b) for c in candidates}
    truth = {tuple(sorted(pair)) for pair in demo.variant_of.items()}
    assert truth and found == truth
    best = candidates[0]
    assert best.score >= 0.85 and any("alike" in r for r in best.reasons)
    assert any(r.startswith("both linked to ADR-") for r in best.reasons)


def test_normalizers() -> None:
    assert name_key("Crème Trading Co., Ltd.") == name_key("CREME TRADING LIMITED") == "creme trading"
    assert name_key("深圳市龙华皮具有限公司") == "深圳市龙华皮具"
    assert name_key("Nordvik Outdoor GmbH") == "nordvik outdoor"
    assert phone("138 1234 5678") == phone("+86 138-1234-5678") == "+8613812345678"
    assert email(" mailto:Sales@Example.COM ") == "sales@example.com"
    assert domain("https://WWW.cheap-bags.example/shop") == "cheap-bags.example"
