"""Load: browser sessions click through the dashboard while an ingest publishes new snapshots (bench/load.py).

The quick variant (4 sessions, 40 s) runs with the other browser tests; the long one (30 sessions,
4 min, think time 30-90 s) only with `pytest -m long` or PANTAU_LONG=1. Timings are printed
(`pytest -s`), never asserted: the machine is shared. What is asserted: no error of any kind, every
session held, the publications landed and a page opened afterwards shows the newest numbers.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import load

from .conftest import browser_unavailable

pytestmark = pytest.mark.e2e

_REASON = browser_unavailable()
if _REASON and not os.environ.get("CI"):
    pytest.skip(_REASON, allow_module_level=True)


def long_enabled(config: pytest.Config) -> bool:
    expression = config.getoption("markexpr") or ""
    return os.environ.get("PANTAU_LONG") == "1" or ("long" in expression and "not long" not in expression)


def run_load(args) -> dict:
    """bench.load drives Playwright's async API with asyncio.run, which refuses to start inside a
    running event loop; the sync Playwright fixtures of other e2e tests leave one in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(load.run, args).result()


def check(summary: dict, sessions: int) -> None:
    assert summary["errors"] == 0, "\n".join(f"{e.get('kind')}: {e['error']}" for e in summary["error_list"])
    assert summary["sessions_held"] == sessions
    assert summary["interactions"] >= sessions  # every session at least opened the app
    assert summary["publications"] >= 1 and summary["publications_ok"] == summary["publications"]
    fresh = summary["fresh_check"]
    assert fresh["shown"] == fresh["expected"], fresh
    for path in summary["files"]:
        assert Path(path).stat().st_size > 0


def test_quick_load_during_ingest(tmp_path: Path) -> None:
    args = load.parse_args(
        ["--sessions", "4", "--minutes", "0.67", "--provinsi", "34", "--publish-every", "8-12",
         "--think", "1-3", "--ramp-up", "2", "--out", str(tmp_path / "results")]
    )  # fmt: skip
    check(run_load(args), sessions=4)


@pytest.mark.long
def test_long_load_during_ingest(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if not long_enabled(request.config):
        pytest.skip("long load test: run with `pytest -m long` or PANTAU_LONG=1")
    args = load.parse_args(["--sessions", "30", "--out", str(tmp_path / "results")])  # 4 min, think 30-90 s
    check(run_load(args), sessions=30)
