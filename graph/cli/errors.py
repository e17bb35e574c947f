"""How every command line reports a known error: one line naming the problem in the
user's terms, and an exit status, never a traceback."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from graph.progress import Cancelled
from graph.store import NodeNotFound, QueryError, Settings

__all__ = ["reported"]

#: What the user can fix: a refused query, a bad parameter or file, an unknown label,
#: key or judgement (all ``ValueError`` subclasses, or a missing node).
USER_ERRORS = (ValueError, NodeNotFound)
#: What the store or the file system failed to do (syntax error, timeout, busy file).
STORE_ERRORS = (QueryError, OSError)


def reported(action: Callable[[], int]) -> int:
    """Run a command; known errors print ``error: ...`` and give status 2 (the user's
    to fix) or 1 (the store's or the system's). Anything else is a bug: its traceback
    is printed for the report, status 1. The password is masked in all of them."""
    try:
        return action()
    except USER_ERRORS as error:
        _say(f"error: {error}")
        return 2
    except STORE_ERRORS as error:
        _say(f"error: {error}")
        return 1
    except (KeyboardInterrupt, Cancelled):
        _say("stopped before it finished (Ctrl-C); run it again to complete it")
        return 130
    except Exception:
        _say(traceback.format_exc().rstrip())
        return 1


def _say(message: str) -> None:
    print(Settings.from_env().mask(message), file=sys.stderr)
