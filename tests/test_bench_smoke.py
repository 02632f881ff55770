"""The benchmark at its smallest scale, end to end, so that it never rots: one province, kecamatan level,
a few months, few runs. Timings are printed by the benchmark, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pages import registered_pages

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("## Dataset", "## Queries", "## Ingest", "## Pages", "## Pandas baseline", "## Targets")


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    root = tmp_path_factory.mktemp("bench")
    out = root / "results"
    command = [
        sys.executable, "-m", "bench.run", "--scale", "smoke", "--runs", "2", "--page-runs", "1",
        "--ingest-repeats", "1", "--ingest-levels", "kecamatan", "--cold-mode", "fork", "--scopes", "nasional",
        "--cache-dir", str(root / "cache"), "--out", str(out),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    print(done.stdout)  # the Markdown table: shown with `pytest -s`, never asserted on timings
    return done, out


def test_smoke_benchmark_completes(smoke_run) -> None:
    done, _ = smoke_run
    assert done.returncode == 0, done.stderr[-3000:]
    for section in SECTIONS:
        assert section in done.stdout, f"{section} missing from the printed report"


def test_smoke_benchmark_writes_json_and_markdown(smoke_run) -> None:
    _, out = smoke_run
    reports = sorted(out.glob("smoke-*.json"))
    assert len(reports) == 1 and reports[0].with_suffix(".md").exists()
    result = json.loads(reports[0].read_text(encoding="utf-8"))
    assert result["dataset"]["store"]["rekam"]["rows"] > 0
    from pantau.queries import query_names

    measured = {item["query"] for item in result["queries"]["items"] if "warm" in item}
    assert measured >= set(query_names()), f"queries without a warm timing: {set(query_names()) - measured}"
    assert all("first_run_ms" in item for item in result["cold"]["items"]), "a cold run failed"
    assert all(item.get("profile", {}).get("rows_scanned") is not None for item in result["queries"]["items"])
    assert {i["format"] for i in result["ingest"]["items"]} == {"csv", "parquet"}
    pages = result["pages"]["pages"]
    assert len(pages) == len(registered_pages()) and not any(p["errors"] for p in pages), [p["errors"] for p in pages]
    assert result["pages"]["process_peak_rss_mb"] > 0
    assert all(c["equal"] for c in result["pandas"]["comparison"]), result["pandas"]["comparison"]
    assert {t["target"] for t in result["targets"]} >= {"every query p95, warm", "dashboard peak RSS"}
