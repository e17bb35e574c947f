"""Groups in a view: many nodes drawn as one ("14 storefronts"), collapsed and expanded in
place, with their links to the rest of the view added up."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GROUP_PREFIX", "Group"]

#: Node keys of collapsed groups in a drawn view start with this (never a key in the graph).
GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Group:
    """Nodes the investigator chose to see as one: ``kind`` says how they were chosen
    (``community``, ``label`` around a node), ``title`` is what the view shows."""

    id: str
    kind: str
    title: str
    members: tuple[str, ...]
    collapsed: bool = True

    @property
    def node(self) -> str:
        """The key of the group's node in a drawn view."""
        return GROUP_PREFIX + self.id
