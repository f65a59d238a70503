"""One "train a little, live" run at a time per server, whichever tab starts it.

Live training takes the CPU (or GPU) for up to a minute; two at once would make both crawl in
front of the class. The lock is a file lock in the temp folder, so it also holds across the
processes a GPU host may fork for each call.
"""

from __future__ import annotations

import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from shared.i18n import error

LOCK_PATH = Path(tempfile.gettempdir()) / "lab-live-training.lock"

_fallback_lock = threading.Lock()  # where file locks are unavailable (Windows)


@contextmanager
def exclusive_run():
    """Hold the server's single live-training slot, or fail at once with the translated "busy"."""
    try:
        import fcntl
    except ImportError:
        if not _fallback_lock.acquire(blocking=False):
            raise error("shared.busy") from None
        try:
            yield
        finally:
            _fallback_lock.release()
        return
    handle = open(LOCK_PATH, "a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise error("shared.busy") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
