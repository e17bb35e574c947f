"""Drawing a view: every string the view shows (labels, tooltips, the "+ N more" node)
stays text whatever the data says, and direction controls cannot reorder it."""

from __future__ import annotations

import json
import re

import networkx as nx

from graph.model import load_model
from graph.views.drawing import legend, network_html

SCRIPT = "<img src=x onerror=window.__pwned=1>"
HOSTILE_KEY = f"K-href-{SCRIPT}"
RLO = "\u202e"


def hostile_view() -> nx.MultiDiGraph:
    """A hub whose key, name, label, property names and values and relationship type
    are hostile, with a neighbour named to look reversed."""
    graph = nx.MultiDiGraph()
    graph.add_node(HOSTILE_KEY, labels=[f"Label{SCRIPT}"], properties={"name": f"<b>hub</b>{SCRIPT}", SCRIPT: "href"})
    graph.add_node("K-2", labels=["SalesChannel"], properties={"name": f"shop {RLO}exe.txt"})
    graph.add_edge(HOSTILE_KEY, "K-2", type=f"TYPE{SCRIPT}")
    return graph


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
