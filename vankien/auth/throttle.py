"""Slowing down and locking out password guessing, per account name and per client address.

Every attempt counts against both its name and its address until it succeeds; a success clears
the name's count and takes only itself off the address's (one valid account must not reset the
count of an address that guesses at others). An answer to a failed attempt waits 0.25 s doubled per earlier failure,
at most 8 s; at MAX_FAILURES attempts within LOCKOUT the name or address is refused for LOCKOUT
after its last failure, without a password check. Attempts are counted when they start, so 200
guesses sent at once still get at most MAX_FAILURES password checks.

The counts live in the server's memory: restarting the server clears them. Behind a reverse
proxy every client has the proxy's address; the per-name limit still holds.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

MAX_FAILURES = 10
LOCKOUT = 15 * 60.0  # seconds
FIRST_DELAY, MAX_DELAY = 0.25, 8.0


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, lockout: float = LOCKOUT, clock=time.monotonic):
        self.max_failures, self.lockout, self.clock = max_failures, lockout, clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(name: str, address: str | None) -> tuple[str, ...]:
        return (f"name:{name.strip().lower()}",) + ((f"addr:{address}",) if address else ())

    def _count(self, key: str, now: float) -> _Count:
        count = self._counts.setdefault(key, _Count())
        if count.failures and now - count.last >= self.lockout:  # quiet for a whole lockout: forgiven
            count.failures = 0
        return count

    def begin(self, keys: tuple[str, ...]) -> float:
        """Record an attempt. Seconds until it may be tried (0: go on and check the password)."""
        now = self.clock()
        with self._lock:
            counts = [self._count(k, now) for k in keys]
            locked = [c.last + self.lockout - now for c in counts if c.failures >= self.max_failures]
            if locked:
                return max(locked)
            for c in counts:
                c.failures += 1
                c.last = now
            return 0.0

    def delay(self, keys: tuple[str, ...]) -> float:
        """How long to hold a failed attempt's answer."""
        with self._lock:
            n = max((self._counts[k].failures for k in keys if k in self._counts), default=1)
        return min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, n - 1))

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """The name starts afresh; the address loses only this attempt's count."""
        with self._lock:
            for k in keys:
                if k.startswith("name:"):
                    self._counts.pop(k, None)
                elif k in self._counts:
                    self._counts[k].failures = max(0, self._counts[k].failures - 1)
