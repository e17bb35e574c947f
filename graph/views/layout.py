"""Where each node of a drawn view goes: a layout from a library, chosen for the view's
shape, then spread apart so that no node, label included, covers another.

* a chain (a path: connected, no node with more than two links) is drawn as a line in
  reading order, wrapped into rows (each read the other way) when one line would make
  the fitted view small;
* hub and spoke (a tree, or a few nodes holding most links) is drawn radially, by
  igraph's Reingold-Tilford circular layout around the busiest node;
* anything denser (rings of storefronts and products) by ForceAtlas2 (NetworkX), or
  above :data:`FORCE_ATLAS` nodes, where NetworkX's ForceAtlas2 takes seconds, by
  igraph's Fruchterman-Reingold;
* a large view (more than :data:`LARGE` nodes) by igraph's Fruchterman-Reingold on a
  grid, the one fast enough for 5,000 nodes; there labels show by zoom level instead.

Pinned nodes (where the investigator dragged them) keep their place; the rest are laid
out around them by a spring layout that holds the pinned ones fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.seeding import seeded_igraph

__all__ = ["LARGE", "Box", "place", "shape_of"]

#: Above this many nodes a view gets the fast layout, and only node shapes are kept apart.
LARGE = 1500
#: Above this many nodes a dense view gets Fruchterman-Reingold instead of ForceAtlas2.
FORCE_ATLAS = 250
#: A view is hub-and-spoke when its busiest tenth of nodes touch this share of its links.
HUB_SHARE = 0.7
GAP = 6.0  # canvas units kept between two boxes
LEGIBLE = 0.8  # a fitted view's scale at which labels are still comfortably read


@dataclass(frozen=True)
class Box:
    """What a node covers around its position: half its width, half its height, and how
    far below the position the box's middle is (a label drawn under the shape)."""

    half_width: float
    half_height: float
    drop: float = 0.0


def shape_of(view: nx.Graph) -> str:
    """The name of the layout that suits ``view``: chain, radial, forceatlas2,
    fruchterman-reingold or fast."""
    size = view.number_of_nodes()
    if size > LARGE:
        return "fast"
    dense = "forceatlas2" if size <= FORCE_ATLAS else "fruchterman-reingold"
    if size < 3 or not nx.is_connected(view):
        return "chain" if size < 3 and view.number_of_edges() == size - 1 else dense
    tree = view.number_of_edges() == size - 1
    if tree and max(degree for _, degree in view.degree()) <= 2:
        return "chain"
    busiest = sorted(view.degree(), key=lambda pair: -pair[1])[: max(1, round(size / 10))]
    hubs = {node for node, _ in busiest}
    touched = sum(1 for u, v in view.edges() if u in hubs or v in hubs)
    if tree or touched >= HUB_SHARE * view.number_of_edges():
        return "radial"
    return dense


def _igraph(view: nx.Graph, nodes: list[str]) -> tuple[Any, dict[str, int]]:
    """``view`` as an igraph graph over ``nodes`` (in that order), and each node's index."""
    import igraph

    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in view.edges() if u != v})
    return igraph.Graph(n=len(nodes), edges=pairs), index


def _raw(view: nx.Graph, nodes: list[str], name: str, seed: int) -> np.ndarray:
    """Coordinates in the library's own units, one row per node of ``nodes``."""
    if name == "forceatlas2":
        at = nx.forceatlas2_layout(view, max_iter=200, distributed_action=True, seed=seed)
        return np.array([at[node] for node in nodes], dtype=float)
    small, index = _igraph(view, nodes)
    root = max(nodes, key=lambda node: (view.degree(node), node))
    with seeded_igraph(seed):
        if name == "radial":
            return np.array(small.layout_reingold_tilford_circular(root=[index[root]]).coords, dtype=float)
        return np.array(small.layout_fruchterman_reingold(niter=100, grid="auto").coords, dtype=float)


def _chain(view: nx.Graph, nodes: list[str], half: np.ndarray, canvas: tuple[float, float]) -> np.ndarray:
    """A path in one line if the fitted view stays legible, else in rows of equal columns:
    the most per row that keep it legible (or, failing that, as many as make it largest).
    Going down a row, a link crosses the label of the node above: rows are the fallback."""
    end = min((node for node in nodes if view.degree(node) <= 1), default=nodes[0])
    step = nx.single_source_shortest_path_length(view, end)
    column = 2 * half[:, 0].max() + 4 * GAP
    row = max(2 * half[:, 1].max() + 4 * GAP, column / 2)  # room for the label of the link going down
    size = len(nodes)

    def scale(per_row: int) -> float:
        return min(canvas[0] / (per_row * column), canvas[1] / (-(-size // per_row) * row))

    if scale(size) >= LEGIBLE:  # one line, read left to right
        per_row = size
    else:
        per_row = max(range(1, size + 1), key=lambda count: (min(scale(count), LEGIBLE), count))
    places = []
    for node in nodes:
        line, place_in_line = divmod(step[node], per_row)
        places.append(((place_in_line if line % 2 == 0 else per_row - 1 - place_in_line) * column, line * row))
    return np.array(places, dtype=float)


def _scaled(raw: np.ndarray, spacing: float) -> np.ndarray:
    """``raw`` stretched so that the median distance to a nearest neighbour is ``spacing``."""
    if len(raw) < 2:
        return raw * 0.0
    from scipy.spatial import cKDTree

    distances, _ = cKDTree(raw).query(raw, k=2)
    nearest = float(np.median(distances[:, 1]))
    return (raw - raw.mean(axis=0)) * (spacing / nearest if nearest > 0 else spacing)


def separate(centres: np.ndarray, half: np.ndarray, fixed: np.ndarray, rounds: int = 400) -> np.ndarray:
    """Boxes (``centres`` ± ``half``) pushed apart along the axis they overlap least until
    none overlaps (or ``rounds`` runs out); ``fixed`` boxes never move. Each round looks
    only at pairs close enough to touch (a k-d tree finds them)."""
    from scipy.spatial import cKDTree

    xy = centres.copy()
    reach_limit = 2 * float(np.hypot(half[:, 0], half[:, 1]).max()) + GAP
    share = np.where(fixed, 0.0, 1.0)
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(reach_limit, output_type="ndarray")
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = xy[i] - xy[j]
        overlap = half[i] + half[j] + GAP - np.abs(delta)
        clash = (overlap > 0).all(axis=1)
        if not clash.any():
            break
        i, j, delta, overlap = i[clash], j[clash], delta[clash], overlap[clash]
        axis = (overlap[:, 0] >= overlap[:, 1]).astype(int)  # the axis they overlap least
        rows = np.arange(len(i))
        sign = np.sign(delta[rows, axis])
        sign[sign == 0] = -1.0  # same place: the lower index goes first
        push = np.zeros_like(delta)
        push[rows, axis] = sign * (overlap[rows, axis] + 0.5) * 0.8
        both = share[i] + share[j]
        mine, theirs = share[i] / np.maximum(both, 1.0), share[j] / np.maximum(both, 1.0)
        moves = np.zeros_like(xy)
        np.add.at(moves, i, push * np.where(share[j] == 0, share[i], mine)[:, None])
        np.add.at(moves, j, -push * np.where(share[i] == 0, share[j], theirs)[:, None])
        xy += moves
    return xy


def _extent(xy: np.ndarray, half: np.ndarray) -> np.ndarray:
    return (xy + half).max(axis=0) - (xy - half).min(axis=0)


def _stretched(xy: np.ndarray, aspect: float) -> np.ndarray:
    """``xy`` stretched along x so that its extent is ``aspect`` times as wide as high."""
    width, height = np.ptp(xy, axis=0) if len(xy) > 1 else (1.0, 1.0)
    if width <= 0 or height <= 0:
        return xy
    return xy * np.array([min(3.0, max(1.0 / 3.0, aspect * height / width)), 1.0])


def _compact(xy: np.ndarray, half: np.ndarray, fixed: np.ndarray, canvas: tuple[float, float]) -> np.ndarray:
    """Boxes separated, then drawn closer and separated again while the drawing is larger
    than ``canvas`` and shrinks: fitted, its labels then show at full size or near it.
    Above :data:`FORCE_ATLAS` nodes labels show by zoom level anyway: separated only."""
    best = separate(xy, half, fixed)
    for _ in range(8 if len(xy) <= FORCE_ATLAS else 0):
        extent = _extent(best, half)
        if (extent <= np.array(canvas)).all():
            break
        middle = best.mean(axis=0)
        trial = separate(np.where(fixed[:, None], best, middle + (best - middle) * 0.85), half, fixed)
        if _overlapping(trial, half) or np.prod(_extent(trial, half)) >= np.prod(extent):
            break
        best = trial
    return best


def _overlapping(xy: np.ndarray, half: np.ndarray) -> bool:
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(2 * float(np.hypot(half[:, 0], half[:, 1]).max()), output_type="ndarray")
    if not len(pairs):
        return False
    i, j = pairs[:, 0], pairs[:, 1]
    return bool((np.abs(xy[i] - xy[j]) < half[i] + half[j]).all(axis=1).any())


def _around_pins(
    view: nx.Graph, nodes: list[str], pinned: Mapping[str, tuple[float, float]], spacing: float, seed: int
) -> np.ndarray:
    """Positions for the unpinned nodes by a spring layout holding the pinned ones."""
    rng = np.random.default_rng(seed)
    start = {}
    for node in nodes:
        if node in pinned:
            start[node] = np.array(pinned[node], dtype=float)
            continue
        near = [pinned[other] for other in view.neighbors(node) if other in pinned]
        anchor = np.mean(near, axis=0) if near else np.mean(list(pinned.values()), axis=0)
        start[node] = anchor + rng.normal(0, spacing, 2)
    at = nx.spring_layout(view, pos=start, fixed=list(pinned), k=spacing, iterations=60, seed=seed)
    return np.array([at[node] for node in nodes], dtype=float)


def place(
    view: nx.Graph,
    boxes: Mapping[str, Box],
    *,
    pinned: Mapping[str, tuple[float, float]] | None = None,
    seed: int = 42,
    canvas: tuple[float, float] = (1100.0, 600.0),
) -> tuple[str, dict[str, tuple[float, float]]]:
    """The layout's name and each node's position in canvas units, boxes kept apart, the
    whole shaped like ``canvas`` (a fitted view whose shape matches the canvas is drawn
    larger) and drawn closer while larger than it."""
    nodes = sorted(view.nodes)
    if not nodes:
        return "empty", {}
    pinned = {node: tuple(xy) for node, xy in (pinned or {}).items() if node in view}
    half = np.array([(boxes[node].half_width, boxes[node].half_height) for node in nodes], dtype=float)
    drop = np.array([(0.0, boxes[node].drop) for node in nodes], dtype=float)
    if pinned:
        name, xy = "pinned", _around_pins(view, nodes, pinned, float(np.median(half[:, 0])) * 2 + GAP, seed)
    elif (name := shape_of(view)) == "chain":
        xy = _chain(view, nodes, half, canvas)
    else:
        row = float(np.median(half[:, 1])) * 2 + GAP * 2
        spacing = row if name == "fast" else float(np.median(half[:, 0])) * 2 + GAP
        xy = _stretched(_scaled(_raw(view, nodes, name, seed), spacing), canvas[0] / canvas[1])
    fixed = np.array([node in pinned for node in nodes])
    if name == "fast":  # labels show by zoom level: only the shapes are kept apart
        shape = (half[:, 1] - drop[:, 1])[:, None].repeat(2, axis=1)
        xy = separate(xy, shape, fixed, rounds=60)
    elif name != "chain":  # a chain's columns and rows already keep its boxes apart
        xy = _compact(xy + drop, half, fixed, canvas) - drop
    return name, {node: (float(x), float(y)) for node, (x, y) in zip(nodes, xy, strict=True)}
