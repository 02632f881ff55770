"""pantau.results: each result computed once, side by side, errors not kept, bounded by age and count."""

import threading
import time

import pytest

from pantau import results
from pantau.results import ResultCache


class Counter:
    """A computation that counts its calls and can be held until released."""

    def __init__(self, value: object = "hasil", hold: bool = False) -> None:
        self.calls = 0
        self.threads: list[str] = []
        self.value = value
        self.release = threading.Event()
        self.started = threading.Event()
        if not hold:
            self.release.set()
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            self.calls += 1
            self.threads.append(threading.current_thread().name)
        self.started.set()
        assert self.release.wait(10)
        return self.value


def test_a_kept_result_is_not_computed_again() -> None:
    cache, compute = ResultCache(), Counter()
    assert cache.get("a", compute) == "hasil"
    assert cache.get("a", compute) == "hasil"
    assert compute.calls == 1 and len(cache) == 1


def test_started_questions_run_in_the_pool_side_by_side_and_get_waits_for_them() -> None:
    cache = ResultCache()
    first, second = Counter("satu", hold=True), Counter("dua", hold=True)
    cache.start("a", first)
    cache.start("b", second)
    assert first.started.wait(5) and second.started.wait(5)  # both running at once, neither released yet
    assert all(name.startswith("pantau-kueri") for name in first.threads + second.threads)
    cache.start("a", first)  # already being computed: not queued again
    first.release.set()
    second.release.set()
    assert cache.get("a", first) == "satu" and cache.get("b", second) == "dua"
    assert first.calls == second.calls == 1


def test_a_queued_question_is_computed_by_the_asking_thread_rather_than_waited_for() -> None:
    cache = ResultCache()
    blockers = [Counter(hold=True) for _ in range(results.WORKERS)]
    for i, blocker in enumerate(blockers):  # every pool thread busy
        cache.start(f"sibuk{i}", blocker)
        assert blocker.started.wait(5)
    queued = Counter("antre")
    cache.start("antre", queued)
    assert cache.get("antre", queued) == "antre"
    assert queued.threads == [threading.current_thread().name]
    for blocker in blockers:
        blocker.release.set()
    time.sleep(0.05)  # the pool takes the queued job, finds it claimed and leaves it
    assert queued.calls == 1


def test_concurrent_askers_share_one_computation() -> None:
    cache, compute = ResultCache(), Counter(hold=True)
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("a", compute))) for _ in range(4)]
    for thread in threads:
        thread.start()
    assert compute.started.wait(5)
    compute.release.set()
    for thread in threads:
        thread.join(5)
    assert answers == ["hasil"] * 4 and compute.calls == 1


def test_an_error_reaches_the_asker_and_is_not_kept() -> None:
    cache, calls = ResultCache(), []

    def failing() -> object:
        calls.append(1)
        raise ValueError("rusak")

    with pytest.raises(ValueError, match="rusak"):
        cache.get("a", failing)
    with pytest.raises(ValueError, match="rusak"):
        cache.get("a", failing)
    assert len(calls) == 2 and len(cache) == 0


def test_an_error_in_the_pool_is_raised_to_the_page_that_asks() -> None:
    cache = ResultCache()
    release = threading.Event()

    def failing() -> object:
        release.wait(5)
        raise ValueError("terlalu berat")

    cache.start("a", failing)
    time.sleep(0.05)
    waiter: list[BaseException] = []

    def ask() -> None:
        try:
            cache.get("a", failing)
        except ValueError as exc:
            waiter.append(exc)

    thread = threading.Thread(target=ask)
    thread.start()
    release.set()
    thread.join(5)
    assert [str(e) for e in waiter] == ["terlalu berat"] and len(cache) == 0


def test_results_expire_after_their_time_and_the_least_recently_used_go_first() -> None:
    cache = ResultCache(ttl=0.05, max_entries=2)
    compute = Counter()
    cache.get("a", compute)
    time.sleep(0.1)
    cache.get("a", compute)
    assert compute.calls == 2  # expired, computed again
    cache.ttl = 600
    cache.get("b", Counter("b"))
    cache.get("a", compute)  # a used last: b is the least recently used
    cache.get("c", Counter("c"))
    assert len(cache) == 2
    assert cache.get("a", compute) == "hasil" and compute.calls == 2
    late = Counter("b baru")
    assert cache.get("b", late) == "b baru" and late.calls == 1


def test_clear_forgets_every_result() -> None:
    cache, compute = ResultCache(), Counter()
    cache.get("a", compute)
    cache.clear()
    cache.get("a", compute)
    assert compute.calls == 2
