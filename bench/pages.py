"""Dashboard server time and payload per page, through Streamlit's AppTest, in one process whose peak
resident memory is the dashboard's.

    python -m bench.pages DATA_DIR --runs N --out FILE

For each page registered in dashboard.py: the first visit (switch_page, then a run), N full reruns
with query results cached (what a user gets when nothing changed, e.g. a widget that needs no new
query), and N full reruns with the query and figure caches emptied before each (what a user gets
after choosing a new region or date: every query of the page runs, every figure is built). The payload
is what the script hands to the browser: the serialized protobuf of every element in the tree, with
Plotly figures and dataframes counted separately, and the largest number of points in one Plotly trace.
"""

from __future__ import annotations

import argparse
import ast
import base64
import json
import os
import time
from math import prod
from pathlib import Path

from bench.measure import REPO, Stopwatch, load_average, peak_rss_mb, write_json

DASHBOARD = REPO / "dashboard.py"
TIMEOUT = 900
ARRAY_KEYS = ("x", "y", "z", "values", "labels", "lat", "lon", "locations", "text", "customdata", "r", "theta", "ids")
_ITEMSIZE = {"i1": 1, "u1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "f4": 4, "i8": 8, "u8": 8, "f8": 8}


def page_calls() -> list[tuple[str, dict]]:
    """(file, keyword arguments) of every st.Page call in dashboard.py, read without running it."""
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"))
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page":
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
            calls.append((ast.literal_eval(node.args[0]), kwargs))
    return calls


def navigation_only(set_attribute=setattr) -> None:
    """Run every AppTest rerun the way the server runs all but its first request: through
    dashboard.py's st.navigation.

    AppTest resets Streamlit's flag for the old pages/-folder mode before each run, so with a pages/
    folder every run would start in that mode, which runs a page file whose name matches the page
    alone, without the frame. A server is in that mode for its very first request only (ui.context
    reruns it through dashboard.py; tests/e2e/test_first_request.py covers it on a real server).
    `set_attribute`: pytest's monkeypatch.setattr in tests, so that the patch ends with the test.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    set_attribute(PagesManager, "__init__", init)


def compile_once(set_attribute=setattr) -> None:
    """Compile dashboard.py and each page once per process, as a server does.

    A server keeps one ScriptCache in its Runtime (emptied when a file changes); AppTest makes a new
    one for every run, so each rerun also parses both scripts and rewrites them for Streamlit's magic,
    tens of milliseconds that no server rerun spends. Off by default, so results stay comparable.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    cache = ScriptCache()
    set_attribute(app_test, "ScriptCache", lambda: cache)
    set_attribute(local_script_runner, "ScriptCache", lambda: cache)


def registered_pages() -> list[tuple[str, str]]:
    """(file, title) of every st.Page in dashboard.py, in navigation order."""
    return [(file, kwargs.get("title", "")) for file, kwargs in page_calls()]


def _length(value: object, cells: bool = False) -> int:
    """Number of points in a Plotly array, plain or typed ({'dtype': 'f8', 'bdata': base64, 'shape': '3, 4'}):
    the outer length (customdata carries several values per point), or every cell (`cells`, for z)."""
    if isinstance(value, dict) and "bdata" in value:
        if "shape" in value:
            shape = [int(s) for s in str(value["shape"]).split(",")]
            return prod(shape) if cells else shape[0]
        return len(base64.b64decode(value["bdata"])) // _ITEMSIZE.get(str(value.get("dtype")), 1)
    if isinstance(value, list):
        return sum(_length(v, cells) if isinstance(v, list | dict) else 1 for v in value) if cells else len(value)
    return 0


def figure_facts(spec: str) -> dict:
    """Bytes, traces and the largest trace (in points) of one Plotly figure's JSON."""
    figure = json.loads(spec)
    traces = figure.get("data", [])
    points = [max((_length(t.get(k), cells=k == "z") for k in ARRAY_KEYS), default=0) for t in traces]
    return {"bytes": len(spec.encode()), "traces": len(traces), "max_points_per_trace": max(points, default=0)}


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def payload(at) -> dict:
    """What one run of the page sends: protobuf bytes of all elements, Plotly figures, dataframes."""
    total, figures, frames = 0, [], []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ByteSize"):
            continue
        size = proto.ByteSize()
        total += size
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            figures.append(figure_facts(proto.spec))
        elif kind in ("arrow_data_frame", "dataframe") or type(node).__name__ == "Dataframe":
            frames.append(size)
    return {
        "total_bytes": total,
        "charts": len(figures),
        "chart_bytes": sum(f["bytes"] for f in figures),
        "largest_chart_bytes": max((f["bytes"] for f in figures), default=0),
        "max_points_per_trace": max((f["max_points_per_trace"] for f in figures), default=0),
        "dataframes": len(frames),
        "dataframe_bytes": sum(frames),
    }


def measure(runs: int, scripts_compiled_once: bool = False, rollup_loaded: bool = False) -> dict:
    """`rollup_loaded`: wait, after the first run, until the store version's in-memory rollup is loaded
    (as bench.latency does for warm queries). Otherwise the first pages measured share the CPU with
    that load, which starts after the process's first query and takes seconds at national scale."""
    from streamlit.testing.v1 import AppTest

    from pantau import ui

    navigation_only()
    if scripts_compiled_once:
        compile_once()
    load_before = load_average()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    started = time.perf_counter()
    at.run()
    first_process_run = time.perf_counter() - started
    rollup_wait = None
    if rollup_loaded:
        started = time.perf_counter()
        ui.database().wait_for_rollup()
        rollup_wait = round((time.perf_counter() - started) * 1000, 1)
    pages = []
    for file, title in registered_pages():
        at.switch_page(file)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        cached, uncached = Stopwatch(), Stopwatch()
        for _ in range(runs):
            with cached:
                at.run()
        for _ in range(runs):
            # as after choosing a new region or date: no result of this page is cached, no figure built
            ui.database().results.clear()
            ui._figure.clear()
            with uncached:
                at.run()
        at.run()  # leave the tree of a cached rerun for the payload
        errors = [e.message[:300] for e in at.exception]
        pages.append({
            "page": file,
            "title": title,
            "shown_title": at.title[0].value if at.title else None,
            "first_visit_ms": round(first * 1000, 1),
            "rerun_cached": cached.summary(),
            "rerun_uncached": uncached.summary(),
            "payload": payload(at),
            "errors": errors,
        })
        print(f"  page {file:24s} cached p95 {pages[-1]['rerun_cached']['p95_ms']} ms, "
              f"uncached p95 {pages[-1]['rerun_uncached']['p95_ms']} ms", flush=True)
    return {
        "first_process_run_ms": round(first_process_run * 1000, 1),
        "pages": pages,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": [load_before, load_average()],
        "scripts_compiled_once": scripts_compiled_once,
        "rollup_wait_ms": rollup_wait,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", required=True)
    # by default as a server in its steady state: each script compiled once (AppTest compiles both
    # scripts on every run, 10-30 ms a rerun), the version's in-memory tables loaded
    parser.add_argument("--compile-every-run", action="store_true",
                        help="compile the scripts on every run, as AppTest does (a server compiles once)")
    parser.add_argument("--while-loading", action="store_true",
                        help="do not wait for the in-memory rollup: the first pages share the CPU with its load")
    args = parser.parse_args(argv)
    os.environ["PANTAU_DATA_DIR"] = str(Path(args.data_dir).resolve())
    write_json(args.out, measure(args.runs, scripts_compiled_once=not args.compile_every_run,
                                 rollup_loaded=not args.while_loading))


if __name__ == "__main__":
    main()
