"""Query results kept per process: each computed once, also when several threads ask for it at once,
and a page's questions computed side by side.

A page asks five to seven independent questions. Each spends about half its time binding and planning
on one thread, so on two cores two or three of them run side by side in little more than the time of
one (the Ringkasan page's seven at national scale: 133 ms one after another, 74 ms side by side).
`start` queues a question for a small pool of threads shared by the process; `get` returns a kept
result, waits for one being computed, or computes it in the calling thread, also one that was queued
but not yet taken by the pool (so a page never waits for a queue while its own thread idles).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 2  # with the page's own thread, three questions at once: the fastest on two cores (measured)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _shared_pool() -> ThreadPoolExecutor:
    """The process's pool, made on first use. Its threads are joined at exit (not daemons), so none is
    inside DuckDB when the interpreter finalizes."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="pantau-kueri")
        return _pool


class _Entry:
    """One key's result: claimed by the thread that computes it, `done` when it has a value or an error."""

    __slots__ = ("claimed", "done", "error", "made", "value")

    def __init__(self) -> None:
        self.claimed = False
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.value: Any = None
        self.made = time.monotonic()


class ResultCache:
    """Results by key for `ttl` seconds, at most `max_entries` (the least recently used go first).
    An error is not kept: the next `get` of its key computes again."""

    def __init__(self, ttl: float = 600, max_entries: int = 512) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result for `key`: kept, being computed (waited for), or computed now in this thread."""
        entry, mine = self._find(key, claim=True)
        if mine:
            return self._compute(key, entry, compute, raise_error=True)
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry.value

    def start(self, key: Hashable, compute: Callable[[], Any]) -> None:
        """Queue `compute` for the shared pool unless `key` is kept or already being computed."""
        entry, new = self._find(key, claim=False)
        if new:
            _shared_pool().submit(self._run_queued, key, entry, compute)

    def clear(self) -> None:
        """Forget every result (questions being computed finish for those waiting on them)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _find(self, key: Hashable, claim: bool) -> tuple[_Entry, bool]:
        """The live entry of `key`, or a new one. With `claim`, (entry, True) when this thread must
        compute it (new, or queued and not yet taken); without, (entry, True) when it is new."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.done.is_set() and now - entry.made > self.ttl:
                del self._entries[key]
                entry = None
            if entry is None:
                entry = _Entry()
                entry.claimed = claim
                self._entries[key] = entry
                self._evict()
                return entry, True
            self._entries.move_to_end(key)
            if claim and not entry.claimed:
                entry.claimed = True
                return entry, True
            return entry, False

    def _evict(self) -> None:
        """Drop the least recently used finished entries beyond `max_entries` (caller holds the lock)."""
        excess = len(self._entries) - self.max_entries
        if excess <= 0:
            return
        for key in [k for k, e in self._entries.items() if e.done.is_set()][:excess]:
            del self._entries[key]

    def _run_queued(self, key: Hashable, entry: _Entry, compute: Callable[[], Any]) -> None:
        with self._lock:
            if entry.claimed:  # a page's thread took it first
                return
            entry.claimed = True
        self._compute(key, entry, compute, raise_error=False)

    def _compute(self, key: Hashable, entry: _Entry, compute: Callable[[], Any], raise_error: bool) -> Any:
        try:
            entry.value = compute()
        except BaseException as exc:
            entry.error = exc
            with self._lock:
                if self._entries.get(key) is entry:
                    del self._entries[key]
            if raise_error:
                raise
        finally:
            entry.made = time.monotonic()
            entry.done.set()
        return entry.value
