"""Small measuring tools shared by the benchmark parts: percentiles, peak memory, child processes."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float], cpu: Sequence[float] | None = None) -> dict[str, float | int]:
    """p50/p95/min/max in milliseconds of durations in seconds; with `cpu`, the process CPU time
    (all threads) of the same runs, which depends less on what else the machine is running."""
    found = {
        "runs": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "min_ms": round(min(seconds) * 1000, 2) if seconds else float("nan"),
        "max_ms": round(max(seconds) * 1000, 2) if seconds else float("nan"),
    }
    if cpu:
        found["cpu_p50_ms"] = round(percentile(cpu, 0.50) * 1000, 2)
    return found


class Stopwatch:
    """Wall and process CPU time of repeated runs: `with watch: ...`, then `watch.summary()`."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.process_time() - self._cpu)

    def summary(self) -> dict[str, float | int]:
        return summary_ms(self.wall, self.cpu)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def write_json(path: Path | str, payload: object) -> None:
    Path(path).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")


class PartFailed(RuntimeError):
    """A measuring process that ended without its result: its exit code (negative: the signal that
    killed it, -9 when the kernel ran out of memory), its peak RSS and how long it ran."""

    def __init__(self, module: str, args: Sequence[str], returncode: int, peak_rss_mb: float, seconds: float):
        killed = " (killed by signal 9: out of memory?)" if returncode == -9 else ""
        super().__init__(f"{module} {' '.join(args)} failed with exit code {returncode}{killed}")
        self.summary = {"error": str(self), "exit_code": returncode, "process_peak_rss_mb": peak_rss_mb,
                        "process_seconds": seconds}


def run_module(module: str, args: Sequence[str], env: dict[str, str] | None = None) -> dict:
    """Run `python -m module args --out FILE` in a fresh process and return the JSON it wrote.

    The child's own peak RSS comes from wait4 (its rusage alone, not that of earlier children) and is
    added as `process_peak_rss_mb`, with the child's wall time as `process_seconds`.
    """
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", module, *args, "--out", str(out)]
        child_env = {**os.environ, **(env or {})}
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), child_env.get("PYTHONPATH", "")]))
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=child_env, stdout=sys.stderr)  # stdout is the report's
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if process.returncode != 0 or not out.exists():
            raise PartFailed(module, args, process.returncode, round(usage.ru_maxrss / 1024, 1), round(seconds, 2))
        result = json.loads(out.read_text(encoding="utf-8"))
    result["process_peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    result["process_seconds"] = round(seconds, 2)
    return result
