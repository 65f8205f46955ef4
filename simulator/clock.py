"""Time as the simulator sees it: real by default, movable for tests and scenarios."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Clock:
    """Wall-clock time plus an offset that the admin API can advance.

    Session expiry, scheduled imports and posting dates all read this, so a
    scenario can skip thirty minutes without waiting for them.
    """

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    def time(self) -> float:
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset
