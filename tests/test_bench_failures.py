"""A benchmark part whose process fails is recorded, not lost: its exit code, peak memory and time are
kept and reported, and the other parts' results stand (the first pandas baseline at village scale was
killed by the kernel for lack of memory and took the whole run with it)."""

from __future__ import annotations

import pytest

from bench import report
from bench.measure import PartFailed, run_module


def test_a_failing_part_reports_its_exit_code_memory_and_time() -> None:
    with pytest.raises(PartFailed) as caught:
        run_module("bench.no_such_part", ["--x"])
    summary = caught.value.summary
    assert summary["exit_code"] == 1
    assert summary["process_peak_rss_mb"] > 0 and summary["process_seconds"] > 0
    assert "bench.no_such_part --x failed with exit code 1" in summary["error"]


def test_a_killed_part_says_so_and_fails_its_target() -> None:
    failure = PartFailed("bench.pandas_baseline", ["data"], -9, 23451.2, 1490.0).summary
    assert "killed by signal 9" in failure["error"]
    result = {
        "meta": {"scale": "desa", "timestamp": "t", "cpus": 2, "load_average_start": [1, 1, 1], "runs": 20,
                 "page_runs": 10, "cold_mode": "spawn", "versions": {"duckdb": "x"}},
        "dataset": {"built": False, "reason": "not needed here"},
        "failed": {"pandas": failure},
    }
    rows = report.targets(result)
    assert rows == [{"target": "pandas part ran", "threshold": "completes", "met": False, "note": "",
                     "measured": "failed: exit code -9 after 1,490 s at 23,451 MB peak RSS"}]
    result["targets"] = rows
    text = report.markdown(result)
    assert "**Part `pandas` failed**" in text and "23,451 MB" in text
