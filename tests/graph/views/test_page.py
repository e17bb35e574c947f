"""The page helpers every self-contained page shares."""

from __future__ import annotations

import json

import pytest

from graph.views.page import refuse_outside, script_data


def test_script_data_cannot_end_its_script_or_look_like_a_link() -> None:
    name = '</script><img src=//evil.example/x.png onerror="alert(1)">'
    text = script_data({"name": name})
    assert "</script" not in text and "//" not in text
    assert json.loads(text) == {"name": name}  # the script reads the name exactly


def test_a_page_that_would_fetch_from_outside_is_refused_and_data_is_not_markup() -> None:
    data = script_data(["src=//evil.example/x.js"])
    assert refuse_outside(f"<script>const names = {data};</script>").startswith("<script>")
    with pytest.raises(RuntimeError, match="outside resource"):
        refuse_outside('<img src="https://evil.example/x.png">')
