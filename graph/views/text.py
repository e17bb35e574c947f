r"""Text from the data as people should read it.

A counterfeiter can name a storefront ``shop\u202etxt.exe``: the right-to-left override
makes it display as ``shopexe.txt``. Direction controls (LRM/RLM, embeddings, overrides,
isolates) are therefore shown as their code points, ``[U+202E]``, wherever data is
displayed or exported as text: the reader sees both the trick and the true order.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["BIDI_CONTROLS", "visible", "visible_frame"]

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: object) -> str:
    """``text`` as a string with each direction control written as ``[U+XXXX]``."""
    return BIDI_CONTROLS.sub(lambda found: f"[U+{ord(found.group()):04X}]", str(text))


def _visible_cell(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value


def visible_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose string cells and column names show direction controls;
    numbers and dates keep their type (a table still sorts them)."""
    shown = frame.map(_visible_cell) if len(frame.columns) else frame.copy()
    shown.columns = [_visible_cell(column) for column in frame.columns]
    return shown
