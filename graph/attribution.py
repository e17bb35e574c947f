"""Who did something and when: the one user name and the one clock behind every record
the tool writes (provenance, load and analysis runs, merge judgements, audit lines,
briefings).

Times are naive UTC datetimes to the second: both stores compare them the same way, and
a team spread over time zones reads one timeline.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os

__all__ = ["current_user", "utc_now"]


def current_user() -> str:
    """``KG_USER`` when set (a shared service account names its human), else the login."""
    return os.environ.get("KG_USER") or getpass.getuser()


def utc_now() -> dt.datetime:
    """Now, as the naive UTC datetime both stores compare the same way."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
