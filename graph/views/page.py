"""What every self-contained page the tool writes shares: data handed to its script
safely, and the proof that it fetches nothing from outside.

Names come from scraped storefronts: a page's script gets them through
:func:`script_data`, which escapes ``<`` (no ``</script>`` can end the script early) and
``/`` (JSON's ``\\/``: a name reading ``src=//host`` cannot look like markup that fetches).
:func:`refuse_outside` then refuses any page whose markup would fetch a resource from
another host (a drawing, a timeline or a briefing must open with the network cut).
"""

from __future__ import annotations

import json
import re

__all__ = ["CSP", "refuse_outside", "script_data"]

#: Nothing may be fetched: inline scripts and styles only, so a page works offline and
#: a name that slipped through escaping still could not load anything.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-src about: data:"

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
#: pyvis's data lines (Jinja's ``tojson``: one line, no raw ``<``) are data, not markup
_DATA_LINES = re.compile(r"new vis\.DataSet\(.*\);$", re.MULTILINE)


def script_data(value: object) -> str:
    """``value`` as JavaScript inside a <script>: JSON with ``<`` and ``/`` escaped."""
    return json.dumps(value).replace("<", "\\u003c").replace("/", "\\/")


def refuse_outside(page: str) -> str:
    """``page`` unchanged, or RuntimeError if its markup would fetch an outside resource."""
    if _EXTERNAL.search(_DATA_LINES.sub("", page)):
        raise RuntimeError("the rendered view would fetch an outside resource")
    return page
