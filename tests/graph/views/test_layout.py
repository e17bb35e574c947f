"""Laying out a view: whatever its shape, no node's box (its label included) covers
another, and nodes the investigator placed stay where they were put."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph.views.layout import Box, place


def overlapping(at: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> list[tuple[str, str]]:
    """Pairs of nodes whose boxes intersect."""
    keys = sorted(at)
    middle = np.array([(at[k][0], at[k][1] + boxes[k].drop) for k in keys])
    half = np.array([(boxes[k].half_width, boxes[k].half_height) for k in keys])
    clash = (np.abs(middle[:, None] - middle[None, :]) < half[:, None] + half[None, :]).all(axis=2)
    return [(keys[i], keys[j]) for i, j in zip(*np.nonzero(np.triu(clash, 1)), strict=True)]


@pytest.mark.parametrize(
    "shape",
    [nx.path_graph(12), nx.star_graph(40), nx.complete_bipartite_graph(14, 9), nx.gnm_random_graph(300, 900, seed=3)],
    ids=["chain", "hub", "storefronts x products", "300 nodes"],
)
def test_no_box_covers_another(shape: nx.Graph) -> None:
    view = nx.relabel_nodes(shape, lambda n: f"N{n}")
    boxes = {node: Box(60 + 5 * (i % 7), 25, 10) for i, node in enumerate(sorted(view))}
    _, at = place(view, boxes)
    assert overlapping(at, boxes) == []


def test_placed_nodes_stay_and_the_rest_keep_clear_of_them() -> None:
    view = nx.relabel_nodes(nx.star_graph(15), lambda n: f"N{n}")
    boxes = dict.fromkeys(view, Box(60, 25, 10))
    pinned = {"N0": (0.0, 0.0), "N3": (400.0, -200.0)}
    name, at = place(view, boxes, pinned=pinned)
    assert name == "pinned" and {key: at[key] for key in pinned} == pinned
    assert overlapping(at, boxes) == []
