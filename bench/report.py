"""The benchmark's results as Markdown tables, and the issue's targets checked against them."""

from __future__ import annotations

TARGETS = {
    "query_warm_p95_ms": 50,
    "query_cold_ms": 500,
    "ingest_desa_snapshot_ms": 3000,
    "page_p95_ms": 300,
    "chart_bytes": 1_000_000,
    "points_per_trace": 5000,
    "dashboard_rss_mb": 1536,
    "pandas_speedup": 20,
}


def _fmt(value: object, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_fmt(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return lines


def targets(result: dict) -> list[dict]:
    """Each target of the issue with the measured value and whether it is met at this scale."""
    rows: list[dict] = []

    def add(name: str, threshold: str, measured: object, met: bool | None, note: str = "") -> None:
        rows.append({"target": name, "threshold": threshold, "measured": measured, "met": met, "note": note})

    warm = [i for i in result.get("queries", {}).get("items", []) if "warm" in i]
    if warm:
        worst = max(warm, key=lambda i: i["warm"]["p95_ms"])
        over = sum(i["warm"]["p95_ms"] > TARGETS["query_warm_p95_ms"] for i in warm)
        add("every query p95, warm", "≤ 50 ms", f"{worst['warm']['p95_ms']:,.0f} ms ({worst['query']}, "
            f"{worst['scope']}); {over} of {len(warm)} over", over == 0)
    cold = [i for i in result.get("cold", {}).get("items", []) if "first_run_ms" in i]
    if cold:
        worst = max(cold, key=lambda i: i["first_run_ms"])
        over = sum(i["first_run_ms"] > TARGETS["query_cold_ms"] for i in cold)
        add("every query, cold", "≤ 500 ms", f"{worst['first_run_ms']:,.0f} ms ({worst['query']}, {worst['scope']}); "
            f"{over} of {len(cold)} over", over == 0)
    desa = [i for i in result.get("ingest", {}).get("items", []) if i["level"] == "desa"]
    if desa:
        worst = max(i["ingest"]["p50_ms"] for i in desa)
        add("ingest one national desa snapshot (83,762 rows)", "≤ 3 s",
            ", ".join(f"{i['format']} {i['ingest']['p50_ms'] / 1000:,.1f} s" for i in desa),
            worst <= TARGETS["ingest_desa_snapshot_ms"])
    pages = result.get("pages", {}).get("pages", [])
    if pages:
        for key, label in (("rerun_cached", "queries cached"), ("rerun_uncached", "queries not cached")):
            worst = max(pages, key=lambda p: p[key]["p95_ms"])
            add(f"page server time p95 ({label})", "≤ 300 ms",
                f"{worst[key]['p95_ms']:,.0f} ms ({worst['page']})", worst[key]["p95_ms"] <= TARGETS["page_p95_ms"])
        chart = max(pages, key=lambda p: p["payload"]["largest_chart_bytes"])
        largest = chart["payload"]["largest_chart_bytes"]
        add("each chart payload", "≤ 1 MB", f"{largest / 1e3:,.0f} kB ({chart['page']})",
            chart["payload"]["largest_chart_bytes"] <= TARGETS["chart_bytes"])
        points = max(pages, key=lambda p: p["payload"]["max_points_per_trace"])
        add("points per trace", "≤ 5,000", f"{points['payload']['max_points_per_trace']:,} ({points['page']})",
            points["payload"]["max_points_per_trace"] <= TARGETS["points_per_trace"])
        rss = result["pages"].get("process_peak_rss_mb") or result["pages"]["peak_rss_mb"]
        add("dashboard peak RSS", "≤ 1.5 GB", f"{rss:,.0f} MB", rss <= TARGETS["dashboard_rss_mb"])
    for part, failure in result.get("failed", {}).items():
        add(f"{part} part ran", "completes", f"failed: exit code {failure['exit_code']} after "
            f"{failure['process_seconds']:,.0f} s at {failure['process_peak_rss_mb']:,.0f} MB peak RSS", False)
    comparison = result.get("pandas", {}).get("comparison", [])
    ratios = [c["speedup"] for c in comparison if c.get("speedup")]
    if ratios:
        worst = min(comparison, key=lambda c: c.get("speedup") or float("inf"))
        add("faster per interaction than pandas", "≥ 20x", f"{min(ratios):,.2f}x at worst ({worst['query']}, "
            f"{worst['scope']}); median {sorted(ratios)[len(ratios) // 2]:,.2f}x",
            min(ratios) >= TARGETS["pandas_speedup"])
        pandas_rss = result["pandas"].get("process_peak_rss_mb") or result["pandas"]["peak_rss_mb"]
        ours = result.get("pages", {}).get("process_peak_rss_mb")
        if ours:
            add("less memory than pandas", "dashboard < pandas", f"{ours:,.0f} MB vs {pandas_rss:,.0f} MB",
                ours < pandas_rss)
        add("same answers as pandas", "all equal",
            f"{sum(c['equal'] for c in comparison)} of {len(comparison)} equal",
            all(c["equal"] for c in comparison))
    return rows


def markdown(result: dict) -> str:
    meta = result["meta"]
    lines = [f"# Pantau e-KTP benchmark: {meta['scale']}", ""]
    lines.append(f"{meta['timestamp']} · {meta['cpus']} CPUs · load average at start {meta['load_average_start']}, "
                 f"at end {meta.get('load_average_end')} · warm runs {meta['runs']} · page reruns {meta['page_runs']} "
                 f"· cold mode {meta['cold_mode']}")
    lines.append("")
    lines.append(" · ".join(f"{k} {v}" for k, v in meta["versions"].items()))
    lines += ["", "## Dataset", ""]
    dataset = result["dataset"]
    if not dataset.get("built", True):
        lines.append(f"Not built: {dataset['reason']}")
    else:
        store = dataset["store"]
        lines.append(f"{dataset['scale']['description']}; {store.get('first_date')} to {store.get('last_date')}; "
                     f"built in {dataset['build_seconds']:,.1f} s (peak RSS {dataset['build_peak_rss_mb']:,.0f} MB)"
                     f"{', reused from the cache' if dataset.get('reused') else ''}.")
        lines.append("")
        lines += _table(["kind", "rows", "files", "MB"],
                        [[k, store[k]["rows"], store[k]["files"], store[k]["mb"]]
                         for k in ("rekam", "cetak", "peringatan")])
    for part, failure in result.get("failed", {}).items():
        lines += ["", f"**Part `{part}` failed**: {failure['error']}; it ran {failure['process_seconds']:,.0f} s "
                  f"and peaked at {failure['process_peak_rss_mb']:,.0f} MB."]
    if result.get("scopes"):
        lines += ["", "Scopes: " + ", ".join(f"{k} `{v or '(Indonesia)'}`" for k, v in result["scopes"].items())]
    if "queries" in result:
        lines += ["", "## Queries", ""]
        lines.append(f"Warm: {meta['runs']} runs after one untimed run, one process (peak RSS "
                     f"{result['queries']['process_peak_rss_mb']:,.0f} MB). Cold: the first run in a fresh process "
                     "after imports and Database creation. Rows scanned, files and bind time from DuckDB's profile.")
        lines.append("")
        cold = {(i["query"], i["scope"]): i for i in result.get("cold", {}).get("items", [])}
        rows = []
        for item in result["queries"]["items"]:
            c = cold.get((item["query"], item["scope"]), {})
            p = item.get("profile", {})
            w = item.get("warm", {})
            rows.append([item["query"], item["scope"], item.get("rows_out"), c.get("first_run_ms"), w.get("p50_ms"),
                         w.get("p95_ms"), w.get("cpu_p50_ms"), p.get("rows_scanned"), p.get("files_opened"),
                         p.get("bind_ms"), p.get("peak_buffer_mb"), item.get("error", "")])
        lines += _table(["query", "scope", "rows", "cold ms", "warm p50 ms", "warm p95 ms", "warm CPU p50 ms",
                         "rows scanned", "files opened", "bind ms", "peak buffer MB", "error"], rows)
    if "ingest" in result:
        lines += ["", "## Ingest", ""]
        lines.append("One national snapshot (every unit once, dated the latest report date) with --replace into a "
                     f"hard-link copy of the store; peak RSS {result['ingest']['process_peak_rss_mb']:,.0f} MB.")
        lines.append("")
        lines += _table(["level", "format", "rows", "file MB", "p50 ms", "max ms", "check only ms"],
                        [[i["level"], i["format"], i["rows"], i["file_mb"], i["ingest"]["p50_ms"],
                          i["ingest"]["max_ms"],
                          i["check_only_ms"]] for i in result["ingest"]["items"]])
    if "pages" in result:
        pages = result["pages"]
        lines += ["", "## Pages", ""]
        lines.append(f"AppTest, national scope, {meta['page_runs']} reruns each. First run of the process "
                     f"{pages['first_process_run_ms']:,.0f} ms; dashboard peak RSS "
                     f"{pages['process_peak_rss_mb']:,.0f} MB.")
        lines.append("")
        lines += _table(
            ["page", "first visit ms", "cached p50", "cached p95", "uncached p50", "uncached p95", "uncached CPU p50",
             "payload kB", "charts", "largest chart kB", "max points/trace", "dataframes kB", "errors"],
            [[p["page"], p["first_visit_ms"], p["rerun_cached"]["p50_ms"], p["rerun_cached"]["p95_ms"],
              p["rerun_uncached"]["p50_ms"], p["rerun_uncached"]["p95_ms"], p["rerun_uncached"].get("cpu_p50_ms"),
              round(p["payload"]["total_bytes"] / 1e3, 1),
              p["payload"]["charts"], round(p["payload"]["largest_chart_bytes"] / 1e3, 1),
              p["payload"]["max_points_per_trace"], round(p["payload"]["dataframe_bytes"] / 1e3, 1),
              "; ".join(p["errors"])[:120]] for p in pages["pages"]])
    if "pandas" in result:
        pandas = result["pandas"]
        lines += ["", "## Pandas baseline", ""]
        lines.append(f"pandas {pandas['pandas_version']} read {pandas['rows_loaded']['rekam']:,} rekam and "
                     f"{pandas['rows_loaded']['cetak']:,} cetak rows in {pandas['load_seconds']:,.1f} s "
                     f"({pandas['frames_mb']:,.0f} MB of frames, RSS {pandas['rss_after_load_mb']:,.0f} MB after "
                     f"loading, peak {pandas['process_peak_rss_mb']:,.0f} MB). "
                     "Speed-up = pandas p50 / DuckDB warm p50.")
        lines.append("")
        lines += _table(["question", "scope", "pandas p50 ms", "pandas p95 ms", "DuckDB warm p50 ms", "speed-up",
                         "pandas CPU ms", "DuckDB CPU ms", "speed-up (CPU)", "answers equal", "differences"],
                        [[c["query"], c["scope"], c["pandas_p50_ms"], c["pandas_p95_ms"], c["duckdb_p50_ms"],
                          f"{c['speedup']:.2f}x" if c.get("speedup") else "–", c.get("pandas_cpu_p50_ms"),
                          c.get("duckdb_cpu_p50_ms"), f"{c['speedup_cpu']:.2f}x" if c.get("speedup_cpu") else "–",
                          c["equal"], c.get("differences", "")]
                         for c in pandas["comparison"]])
    lines += ["", "## Targets", ""]
    lines.append("The issue's targets are for the national village scale; at other scales they show the direction.")
    lines.append("")
    lines += _table(["target", "threshold", "measured", "met"],
                    [[t["target"], t["threshold"], t["measured"], t["met"]] for t in result.get("targets", [])])
    return "\n".join(lines) + "\n"


def growth(results: list[dict]) -> str:
    """Query latency and memory side by side for several scales (warm p50/p95 and DuckDB's peak buffer
    per query, the query process's peak RSS), for the queries and scopes of the first result file."""
    scales = [r["meta"]["scale"] for r in results]
    rows_line = ["rekam rows"] + [_fmt(r["dataset"]["store"]["rekam"]["rows"]) for r in results]
    files_line = ["rekam files"] + [_fmt(r["dataset"]["store"]["rekam"]["files"]) for r in results]
    rss_line = ["query process peak RSS MB"] + [_fmt(r["queries"]["process_peak_rss_mb"]) for r in results]
    keys = [(item["query"], item["scope"]) for item in results[0]["queries"]["items"]]  # the first file's
    lines = ["| | " + " | ".join(scales) + " |", "|---|" + "---|" * len(scales)]
    lines += ["| " + " | ".join(line) + " |" for line in (rows_line, files_line, rss_line)]
    for query, scope in keys:
        cells = []
        for r in results:
            item = next((i for i in r["queries"]["items"] if (i["query"], i["scope"]) == (query, scope)), {})
            cold = next((i for i in r.get("cold", {}).get("items", []) if (i["query"], i["scope"]) == (query, scope)),
                        {})
            warm, profile = item.get("warm"), item.get("profile", {})
            first = cold.get("first_run_ms")
            cells.append(item.get("error", "–")[:60] if not warm else
                         f"{warm['p50_ms']:,.0f} / {warm['p95_ms']:,.0f} (CPU {_fmt(warm.get('cpu_p50_ms'), 0)}); "
                         f"cold {_fmt(first, 0)}; {profile.get('peak_buffer_mb', 0):,.0f} MB")
        lines.append(f"| {query} ({scope}) | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Cells: warm p50 / p95 ms (process CPU p50 ms); cold first run ms; DuckDB peak buffer memory of "
                 "one run.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.report growth RESULT.json ...`: the growth table of several runs;
    `python -m bench.report markdown RESULT.json`: one run's report again."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description="Markdown from benchmark result files")
    parser.add_argument("what", choices=("growth", "markdown"))
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    results = [json.loads(Path(f).read_text(encoding="utf-8")) for f in args.files]
    print(growth(results) if args.what == "growth" else markdown(results[0]), end="")


if __name__ == "__main__":
    main()
