"""Seeded, reproducible runs of the compiled graph libraries.

igraph draws from Python's ``random`` module unless given a generator; networkit's
algorithms visit nodes in an order only a seed *and a single thread* fix. Every caller
that needs the same answer twice goes through these two context managers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["seeded_igraph", "seeded_networkit"]


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from ``random.Random(seed)`` inside the block, Python's ``random`` after."""
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


@contextmanager
def seeded_networkit(seed: int) -> Iterator[None]:
    """networkit on one thread with ``seed`` inside the block; its thread count restored after."""
    import networkit

    threads = networkit.getMaxNumberOfThreads()
    networkit.setNumberOfThreads(1)
    try:
        networkit.engineering.setSeed(seed, False)
        yield
    finally:
        networkit.setNumberOfThreads(threads)
