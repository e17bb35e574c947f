"""Drawing a view: every string the view shows (labels, tooltips, the "+ N more" node)
stays text whatever the data says, and direction controls cannot reorder it."""

from __future__ import annotations

import json
import re

from graph.model import load_model
from graph.views.drawing import legend, network_html
from tests.graph.views.conftest import HOSTILE_KEY, RLO, hostile_view


def shown_strings(html: str) -> list[str]:
    """Every label and title the page hands vis-network."""
    data = [json.loads(found) for found in re.findall(r"new vis\.DataSet\((\[.*?\])\);", html)]
    return [item[field] for items in data for item in items for field in ("label", "title") if field in item]


def test_hostile_keys_never_switch_tooltips_to_html() -> None:
    html = network_html(hostile_view(), load_model(), more={HOSTILE_KEY: 40})
    assert "innerHTML" not in html  # pyvis's popup for titles containing "href"
    assert any("40 more" in text for text in shown_strings(html))


def test_direction_controls_are_shown_not_obeyed() -> None:
    graph = hostile_view()
    html = network_html(graph, load_model())
    strings = shown_strings(html)
    assert RLO not in "".join(strings)
    assert "shop [U+202E]exe.txt" in strings
    assert RLO not in "".join(legend(graph, "label"))


def test_a_name_that_looks_like_an_outside_link_is_drawn_as_text() -> None:
    graph = hostile_view()
    graph.nodes["K-2"]["properties"]["name"] = "<img src=//evil.example/x.png>"
    strings = shown_strings(network_html(graph, load_model()))
    assert "<img src=//evil.examp…" in strings  # the label, cut short
    assert any("name: <img src=//evil.example/x.png>" in text for text in strings)  # the tooltip, whole
