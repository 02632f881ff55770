"""Load test: many browser sessions click through the dashboard while an ingest publishes new snapshots.

    python -m bench.load [--sessions 30] [--minutes 4] [--data-dir DIR] [--provinsi 33,34]
                         [--publish-every 30-45] [--think 30-90] [--ramp-up 4] [--seed 2024] [--out bench/results]

One headless Chromium (Debian's /usr/bin/chromium) holds `--sessions` browser contexts against a real
`streamlit run dashboard.py` on a free localhost port. Each session opens the app, then until the time is
up waits a seeded random think time and does one interaction: a click on a page in the sidebar
navigation, a new province in the sidebar's "Provinsi" selectbox, or a shared link (`?wilayah=` a
regency or district) opened on the current page. Meanwhile a background process publishes a new
coverage snapshot every few seconds (`python -m pantau ingest rekam FILE`, alternately a new report
date and `--replace` of that date), so the store's version changes under the sessions.

An interaction's time runs from the click (or navigation) until the app is idle again: a script run
started after the click has ended (`data-test-script-state` went to `running` and back to `notRunning`,
recorded by a MutationObserver so that short runs are not missed), the "Running..." status widget is
gone, the page title or an error is drawn, every Plotly chart has its SVG, and nothing changed for a
short quiet period (a widget sync can start one more run right after the first).

Errors: a Streamlit exception box, the frame's "Terjadi kesalahan tak terduga", a traceback, a lost
connection, a crashed page, an uncaught JavaScript error or console error of the app, an interaction
that does not end within the timeout, a failed publication, a traceback in the server's log, and
numbers on a freshly opened page that differ from the store's after the last publication.

Writes `<out>/load-<sessions>x<minutes>m-<timestamp>.json` and `.md` and prints the Markdown. Exit 1
when there was any error. The data directory is never changed: the run works on a copy (or on demo
data built for it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench.measure import REPO, load_average, percentile, write_json
from bench.pages import page_calls

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DASHBOARD = REPO / "dashboard.py"
VIEWPORT = {"width": 1366, "height": 900}
INTERACTION_TIMEOUT_S = 120.0  # an interaction still not idle after this counts as an error (timeout)
QUIET_MS = 1000  # a second run (widget sync) can start a moment after the first on a loaded machine
POLL_MS = 50
HEALTH_TIMEOUT_S = 90.0
MAX_SHOTS = 12  # screenshots of the first failed interactions, for a human to look at
RAMP_UP_S = 4.0  # between two session starts, as users arrive; the measured minutes begin when all are in
ERROR_TEXTS = (
    "Terjadi kesalahan tak terduga",
    "Traceback (most recent call last)",
    "This app has encountered an error",
    "Connection error",
)

# Records every change of the app's script state, even a run too short for a poll to see.
OBSERVER_JS = """
(() => {
  const s = window.__pantauLoad = {runs: 0, state: null, changedAt: performance.now(), readyAt: null};
  const note = (el) => {
    const state = el.getAttribute('data-test-script-state');
    if (state === s.state) return;
    if (state === 'running') s.runs += 1;
    s.state = state;
    s.changedAt = performance.now();
  };
  new MutationObserver((records) => { for (const r of records) note(r.target); })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""

# What the page shows: its title and the line under it (region path). A rerun that changed the page
# or the region changes it; an unchanged signature means the click has not taken effect yet.
SIGNATURE_JS = """
() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const h1 = main && main.querySelector('h1');
  const caption = main && main.querySelector('[data-testid="stCaptionContainer"]');
  return h1 ? `${h1.innerText}|${caption ? caption.innerText : ''}` : null;
}
"""

# True once the interaction took effect, the app is idle and the page has been still for QUIET_MS.
# Took effect: a script run began after it (seen by the observer), or the page's signature changed.
# The observer alone is not enough: on a loaded machine the frontend can apply "running" and
# "finished" in one render, so the attribute never shows "running" (seen in 4 of 120 interactions).
# A fresh document (sigBefore null) has no page before it: its page drawn at all is a run.
IDLE_JS = """
([runs0, quietMs, sigBefore]) => {
  const s = window.__pantauLoad;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!s || !app) return false;
  if (app.getAttribute('data-test-script-state') !== s.state) {
    // the element was drawn with its first state: no attribute mutation for the observer
    s.state = app.getAttribute('data-test-script-state');
    if (s.state === 'running') s.runs += 1;
    s.changedAt = performance.now();
  }
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const drawn = main && (main.querySelector('h1') || main.querySelector('[data-testid="stException"]')
                         || main.querySelector('[data-testid="stAlert"]'));
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const sig = (SIGNATURE_JS)();
  const tookEffect = s.runs > runs0 || sigBefore === null || (sig !== null && sig !== sigBefore);
  const busy = !!(status && status.offsetParent !== null);
  const ok = tookEffect && s.state === 'notRunning' && !busy && drawn
             && charts.every(c => c.querySelector('.main-svg'));
  const now = performance.now();
  s.last = {runs0, runs: s.runs, changed: sig !== sigBefore, state: s.state, drawn: !!drawn, status: busy,
            charts: charts.length, chartsMissing: charts.filter(c => !c.querySelector('.main-svg')).length,
            skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length};
  if (!ok) { s.readyAt = null; return false; }
  if (s.readyAt === null || s.readyAt < s.changedAt) s.readyAt = now;  // first poll that saw it all
  return now - s.readyAt >= quietMs;
}
""".replace("SIGNATURE_JS", SIGNATURE_JS.strip())


STATUS_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  return `script ${app?.getAttribute('data-test-script-state') ?? 'no app'}, `
         + `widget ${status ? JSON.stringify(status.innerText.trim().slice(0, 60)) : 'absent'}, `
         + `last check ${JSON.stringify(window.__pantauLoad?.last ?? null)}`;
}
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- what the sessions click ------------------------------------------------------------------


def registered_pages() -> list[tuple[str, str]]:
    """(title, URL path) of every st.Page in dashboard.py, in navigation order; the default page is '/'."""
    pages = []
    for _file, kwargs in page_calls():
        path = "/" if kwargs.get("default") else "/" + str(kwargs.get("url_path", ""))
        pages.append((str(kwargs["title"]), path))
    pages.sort(key=lambda page: (page[1] != "/",))  # ast.walk order is not source order for nested calls
    return pages


@dataclass(frozen=True)
class Targets:
    """Where sessions go: pages, provinces for the sidebar selectbox, regions for shared links."""

    pages: list[tuple[str, str]]
    provinces: list[tuple[str, str]]  # (code, name); code '' = the whole country ("Semua")
    links: list[str]  # regency and district codes inside the provinces with data


def targets_for(provinces: list[str], seed: int) -> Targets:
    from pantau import regions

    rng = random.Random(seed)
    links: list[str] = []
    for province in provinces:
        regencies = [code for code, _ in regions.children(province)]
        links.extend(regencies)
        for regency in rng.sample(regencies, min(3, len(regencies))):
            links.extend(code for code, _ in regions.children(regency)[:3])
    named = [("", "Semua")] + [(code, regions.name_of(code) or code) for code in provinces]
    return Targets(pages=registered_pages(), provinces=named, links=links)


# ---- data and server --------------------------------------------------------------------------


def prepare_data(workdir: Path, source: Path | None, provinces: list[str]) -> Path:
    """A private data directory the run may change: a copy of `source`, or demo data built for it."""
    target = workdir / "data"
    if source is not None:
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".kunci", ".tmp"))
        return target
    from pantau import demo
    from pantau.store import Store

    log(f"membangun data demo untuk provinsi {','.join(provinces)} ...")
    demo.build(Store(target), provinces=provinces)
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (localhost)
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(data_dir: Path, log_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run dashboard.py` on a free localhost port over `data_dir`; yields (base URL, process)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PANTAU_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(DASHBOARD),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise RuntimeError(f"streamlit did not start (exit {process.poll()}):\n{tail}")
            time.sleep(0.25)
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a running process so far (from /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a running process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# ---- the publisher ----------------------------------------------------------------------------


class Publisher:
    """Publishes new coverage snapshots of one province through the real CLI, alternately a new report
    date and a --replace of that date with higher numbers, as an office re-sending a corrected report."""

    def __init__(self, data_dir: Path, province: str, workdir: Path, rng: random.Random):
        import polars as pl

        from pantau.store import Store

        self.data_dir = data_dir
        self.workdir = workdir
        self.rng = rng
        files = Store(data_dir).snapshot().files["rekam"]
        latest = pl.read_parquet(files[-1])
        rows = latest.filter(pl.col("kode_wilayah").str.starts_with(province + "."))
        if rows.is_empty():
            raise RuntimeError(f"no coverage rows of province {province} on the latest report date")
        self.rows = rows.select("kode_wilayah", "wajib_ktp", "sudah_rekam", "prr", "sudah_cetak")
        self.day = rows["tanggal"][0]
        self.count = 0
        self.events: list[dict] = []

    def next_file(self) -> tuple[Path, bool]:
        import polars as pl

        replace = self.count % 2 == 1
        if not replace:
            self.day += timedelta(days=1)
        step = pl.Series([self.rng.randint(0, 40) for _ in range(self.rows.height)])
        self.rows = self.rows.with_columns(sudah_rekam=pl.col("sudah_rekam") + step, prr=pl.col("prr") + step // 2)
        frame = self.rows.with_columns(tanggal=pl.lit(self.day.isoformat()))
        path = self.workdir / f"rekam-{self.count:03d}.csv"
        frame.write_csv(path)
        self.count += 1
        return path, replace

    async def publish_once(self) -> dict:
        path, replace = self.next_file()
        command = [sys.executable, "-m", "pantau", "--data-dir", str(self.data_dir), "ingest", "rekam", str(path)]
        if replace:
            command.append("--replace")
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
        event = {
            "at_s": None,
            "tanggal": self.day.isoformat(),
            "replace": replace,
            "seconds": round(time.monotonic() - started, 2),
            "returncode": process.returncode,
            "version": (self.data_dir / "CURRENT").read_text(encoding="ascii").strip(),
            "output": output.decode("utf-8", errors="replace")[-600:],
        }
        self.events.append(event)
        return event

    async def run(self, start: float, deadline: float, every: tuple[float, float]) -> None:
        while True:
            await asyncio.sleep(self.rng.uniform(*every))
            if time.monotonic() >= deadline:
                return
            event = await self.publish_once()
            event["at_s"] = round(time.monotonic() - start, 1)
            state = "ok" if event["returncode"] == 0 else f"GAGAL ({event['returncode']})"
            log(f"[{event['at_s']:6.1f} s] publikasi {event['version']} tanggal {event['tanggal']}: {state}")


# ---- the sessions -----------------------------------------------------------------------------


@dataclass
class Interaction:
    session: int
    kind: str
    target: str
    at_s: float
    seconds: float | None
    error: str | None = None


@dataclass
class SessionState:
    number: int
    page_path: str = "/"
    province: str = ""
    console_errors: list[str] = field(default_factory=list)
    crashed: bool = False
    held: bool = True  # still working at the end of the run
    blocked: set[str] = field(default_factory=set)
    shots: Path | None = None  # where screenshots of failed interactions go

    def console(self, kind: str, text: str, url: str) -> None:
        if kind != "error":
            return
        if "ERR_NAME_NOT_RESOLVED" in text or "ERR_INTERNET_DISCONNECTED" in text:
            self.blocked.add(url or text)  # a resource off this machine: no network here, not the app's error
            return
        if "404" in text and re.search(r"/[^/]+/_stcore/(health|host-config)$", url):
            return  # Streamlit's frontend probing for its base path on a page URL (/tren/_stcore/health)
        self.console_errors.append(f"{text} ({url})" if url else text)


async def body_errors(page) -> str | None:
    if await page.locator('[data-testid="stException"]').count():
        text = await page.locator('[data-testid="stException"]').first.inner_text()
        return "stException: " + " ".join(text.split())[:300]
    body = await page.evaluate("() => document.body ? document.body.innerText : ''")
    for text in ERROR_TEXTS:
        if text in body:
            return f"page shows {text!r}"
    return None


async def interact(
    page, state: SessionState, fresh_document: bool, action, timeout_s: float = INTERACTION_TIMEOUT_S
) -> tuple[float | None, str | None]:
    """Do `action` and wait until the app is idle again; (seconds, error)."""
    try:  # a browser call without its own timeout (evaluate) must not hang the session
        return await asyncio.wait_for(_interact(page, state, fresh_document, action, timeout_s), timeout_s + 60)
    except TimeoutError:
        return None, f"timeout: the browser did not answer within {timeout_s + 60:.0f} s"


async def _interact(
    page, state: SessionState, fresh_document: bool, action, timeout_s: float
) -> tuple[float | None, str | None]:
    errors_before = len(state.console_errors)
    started = time.monotonic()
    try:
        runs0 = 0 if fresh_document else await page.evaluate("() => window.__pantauLoad?.runs ?? 0")
        before = None if fresh_document else await page.evaluate(SIGNATURE_JS)
        await action()
        await page.wait_for_function(
            IDLE_JS, arg=[runs0, QUIET_MS, before], polling=POLL_MS, timeout=timeout_s * 1000
        )
        waited = time.monotonic() - started
        idle_for_ms = await page.evaluate("() => performance.now() - window.__pantauLoad.readyAt")
        seconds = max(waited - idle_for_ms / 1000, 0.0)
    except Exception as exc:  # a timeout, a closed or crashed page: all count as errors of this interaction
        kind = "timeout" if "Timeout" in type(exc).__name__ else type(exc).__name__
        status = ""
        with contextlib.suppress(Exception):  # what the app's status corner said ("Connecting", "Running...")
            status = await asyncio.wait_for(page.evaluate(STATUS_JS), 10)
        return None, f"{kind} [status: {status or '-'}]: {' '.join(str(exc).split())[:900]}"
    if state.crashed:
        return seconds, "page crashed"
    found = await body_errors(page)
    if found:
        return seconds, found
    if len(state.console_errors) > errors_before:
        return seconds, "console: " + state.console_errors[-1][:300]
    return seconds, None


async def run_session(
    number: int, browser, base: str, targets: Targets, rng: random.Random, start: float, deadline: float,
    think: tuple[float, float], timeout_s: float, results: list[Interaction], state: SessionState,
) -> None:  # fmt: skip
    context = await browser.new_context(viewport=VIEWPORT, locale="id-ID")
    await context.add_init_script(OBSERVER_JS)
    page = await context.new_page()
    page.on("console", lambda msg: state.console(msg.type, msg.text, msg.location.get("url", "")))
    page.on("pageerror", lambda exc: state.console_errors.append(f"pageerror: {exc}"))
    page.on("crash", lambda _: setattr(state, "crashed", True))

    async def record(kind: str, target: str, fresh: bool, action) -> bool:
        at = time.monotonic() - start
        seconds, error = await interact(page, state, fresh, action, timeout_s)
        results.append(Interaction(number, kind, target, round(at, 2), seconds and round(seconds, 3), error))
        if error:
            log(f"[{at:6.1f} s] sesi {number:2d} {kind} {target}: GALAT {error}")
            if state.shots and len(list(state.shots.glob("*.png"))) < MAX_SHOTS:
                with contextlib.suppress(Exception):
                    shot = state.shots / f"sesi{number:02d}-{at:06.1f}s-{kind}.png"
                    await asyncio.wait_for(page.screenshot(path=str(shot), timeout=15_000), 30)
        return error is None

    async def reopen() -> None:  # after an error, start over from a fresh page load
        await record("buka", state.page_path, True, lambda: page.goto(base + state.page_path, wait_until="commit"))

    try:
        await record("buka", "/", True, lambda: page.goto(base + "/", wait_until="commit"))
        while True:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= deadline or state.crashed:
                break
            choice = rng.random()
            if choice < 0.65:
                title, path = rng.choice([p for p in targets.pages if p[1] != state.page_path])
                link = page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
                ok = await record("halaman", path, False, lambda link=link: link.click(timeout=timeout_s * 1000))
                state.page_path = path
            elif choice < 0.85:
                code, name = rng.choice([p for p in targets.provinces if p[0] != state.province])

                async def choose(name: str = name) -> None:
                    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
                        has_text="Provinsi"
                    )
                    await box.first.click(timeout=timeout_s * 1000)
                    await page.keyboard.type(name)
                    await page.keyboard.press("Enter")

                ok = await record("provinsi", code or "nasional", False, choose)
                state.province = code
            else:
                code = rng.choice(targets.links)
                url = f"{base}{state.page_path}?wilayah={code}"
                ok = await record(
                    "tautan",
                    f"{state.page_path}?wilayah={code}",
                    True,
                    lambda url=url: page.goto(url, wait_until="commit"),
                )
                state.province = code[:2]
            if not ok and not state.crashed and time.monotonic() < deadline:
                await reopen()
    except Exception as exc:  # the session itself broke down: count it, never hide it
        results.append(Interaction(number, "sesi", "", round(time.monotonic() - start, 2), None, repr(exc)[:300]))
        state.held = False
    state.held = state.held and not state.crashed
    with contextlib.suppress(Exception):
        await asyncio.wait_for(context.close(), 60)


async def check_fresh(browser, base: str, data_dir: Path, province: str) -> dict:
    """A page opened after the last publication shows the store's latest numbers."""
    from pantau import fmt
    from pantau.queries import run_query
    from pantau.store import Store

    expected = fmt.angka(run_query(Store(data_dir), "ringkasan", {"wilayah": province})["sudah_rekam"][0])
    context = await browser.new_context(viewport=VIEWPORT, locale="id-ID")
    await context.add_init_script(OBSERVER_JS)
    page = await context.new_page()
    state = SessionState(-1)
    seconds, error = await interact(
        page, state, True, lambda: page.goto(f"{base}/?wilayah={province}", wait_until="commit")
    )
    shown = None
    if error is None:
        metric = page.locator('[data-testid="stMetric"]').filter(
            has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(r"^\s*Sudah rekam\s*$"))
        )
        shown = (await metric.first.locator('[data-testid="stMetricValue"]').inner_text()).strip()
        if shown != expected:
            error = f"Sudah rekam shows {shown}, the store has {expected}"
    await context.close()
    return {"wilayah": province, "expected": expected, "shown": shown, "seconds": seconds, "error": error}


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def server_errors(log_path: Path) -> list[str]:
    """Each traceback in the server's log as its exception line and the app's frames (Streamlit prints
    them with rich's colours, which are removed first)."""
    text = ANSI.sub("", log_path.read_text(encoding="utf-8", errors="replace"))
    found = []
    for match in re.finditer(r"Traceback \(most recent call last\)", text):
        block = text[match.start() : match.start() + 20_000]
        error = re.search(r"^\s*(\w+(?:Error|Exception|Exit|Interrupt)\b.*)$", block, re.MULTILINE)
        frames = sorted(set(re.findall(r"(?:pages|pantau)/\w+\.py:\d+", block)))
        found.append(f"{error.group(1).strip() if error else block[:300]} (at {', '.join(frames) or '?'})")
    return found


async def drive(args: argparse.Namespace, base: str, data_dir: Path, workdir: Path, server_pid: int) -> dict:
    from playwright.async_api import async_playwright

    provinces = [p.strip() for p in args.provinsi.split(",") if p.strip()]
    targets = targets_for(provinces, args.seed)
    publisher = Publisher(data_dir, provinces[-1], workdir, random.Random(args.seed + 1))
    results: list[Interaction] = []
    loads: list[list[float]] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm_up = await asyncio.wait_for(check_fresh(browser, base, data_dir, provinces[-1]), args.timeout + 60)
        log(f"pemanasan: halaman pertama {warm_up['seconds'] or 0:.1f} s (tidak dihitung)")
        start, cpu_start = time.monotonic(), cpu_seconds(server_pid)
        deadline = start + args.ramp_up * args.sessions + args.minutes * 60
        publishing = asyncio.create_task(publisher.run(start, deadline, args.publish_every))
        shots = args.out / f"load-{args.started.replace(':', '')}-galat"
        shots.mkdir(parents=True, exist_ok=True)
        tasks, states = [], [SessionState(number, shots=shots) for number in range(args.sessions)]
        for state in states:
            rng = random.Random(args.seed * 1000 + state.number)
            task = run_session(
                state.number, browser, base, targets, rng, start, deadline, args.think, args.timeout, results, state
            )
            tasks.append(asyncio.create_task(task))
            await asyncio.sleep(args.ramp_up)

        async def sample_load() -> None:
            while time.monotonic() < deadline:
                loads.append(load_average())
                await asyncio.sleep(10)

        sampler = asyncio.create_task(sample_load())
        grace = 2 * args.timeout + 120  # an interaction and a reopen, each with its own timeouts
        _, hung = await asyncio.wait(tasks, timeout=max(deadline - time.monotonic(), 0) + grace)
        for task, state in zip(tasks, states):
            if task in hung:
                task.cancel()
                state.held = False
                results.append(Interaction(state.number, "sesi", "", round(time.monotonic() - start, 2), None, "hung"))
        await publishing
        sampler.cancel()
        elapsed = time.monotonic() - start
        cpu_end = cpu_seconds(server_pid)
        try:
            fresh = await asyncio.wait_for(check_fresh(browser, base, data_dir, provinces[-1]), args.timeout + 60)
        except TimeoutError:
            fresh = {"wilayah": provinces[-1], "expected": None, "shown": None, "seconds": None, "error": "timeout"}
        with contextlib.suppress(Exception):
            await asyncio.wait_for(browser.close(), 60)
    return {
        "warm_up": warm_up,
        "states": states,
        "results": results,
        "publications": publisher.events,
        "fresh": fresh,
        "elapsed_s": round(elapsed, 1),
        "server_cpu_s": round(cpu_end - cpu_start, 1) if cpu_start is not None and cpu_end is not None else None,
        "load_samples": loads,
    }


# ---- report -----------------------------------------------------------------------------------


def summarize(args: argparse.Namespace, run: dict, server_log: Path, server_peak_mb: float | None) -> dict:
    results: list[Interaction] = run["results"]
    timed = [r.seconds for r in results if r.seconds is not None]
    by_kind = {}
    for kind in sorted({r.kind for r in results}):
        values = [r.seconds for r in results if r.kind == kind and r.seconds is not None]
        by_kind[kind] = _stats(values) | {"errors": sum(1 for r in results if r.kind == kind and r.error)}
    errors = [
        {"session": r.session, "kind": r.kind, "target": r.target, "at_s": r.at_s, "error": r.error}
        for r in results
        if r.error
    ]
    failed_publications = [p for p in run["publications"] if p["returncode"] != 0]
    errors += [{"kind": "publikasi", "error": p["output"][-300:]} for p in failed_publications]
    errors += [{"kind": "server", "error": text[:600]} for text in server_errors(server_log)]
    if run["fresh"]["error"]:
        errors.append({"kind": "data terbaru", "error": run["fresh"]["error"]})
    console = sorted({text[:200] for state in run["states"] for text in state.console_errors})
    loads = run["load_samples"] or [load_average()]
    return {
        "started": args.started,
        "sessions": args.sessions,
        "sessions_held": sum(1 for s in run["states"] if s.held),
        "minutes": args.minutes,
        "elapsed_s": run["elapsed_s"],
        "think_s": list(args.think),
        "ramp_up_s": args.ramp_up,
        "timeout_s": args.timeout,
        "seed": args.seed,
        "provinces": args.provinsi,
        "interactions": len(results),
        "interactions_timed": len(timed),
        "all": _stats(timed),
        "by_kind": by_kind,
        "errors": len(errors),
        "error_list": errors[:100],
        "console_errors": console[:50],
        "blocked_urls": sorted({url for state in run["states"] for url in state.blocked})[:20],
        "publications": len(run["publications"]),
        "publications_ok": len(run["publications"]) - len(failed_publications),
        "publication_seconds": _stats([p["seconds"] for p in run["publications"]]),
        "versions": [run["publications"][0]["version"], run["publications"][-1]["version"]]
        if run["publications"]
        else [],
        "fresh_check": run["fresh"],
        "warm_up_s": run["warm_up"]["seconds"],
        "server_peak_rss_mb": server_peak_mb,
        "server_cpu_s": run["server_cpu_s"],
        "server_cpu_share": round(run["server_cpu_s"] / run["elapsed_s"], 2) if run["server_cpu_s"] else None,
        "server_cpu_s_per_interaction": round(run["server_cpu_s"] / len(results), 2)
        if run["server_cpu_s"] and results
        else None,
        "load_average_max_1min": max(sample[0] for sample in loads),
        "load_average_mean_1min": round(sum(sample[0] for sample in loads) / len(loads), 2),
        "cpus": os.cpu_count(),
    }


def _stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50_s": round(percentile(values, 0.50), 2),
        "p95_s": round(percentile(values, 0.95), 2),
        "max_s": round(max(values), 2),
    }


def markdown(summary: dict) -> str:
    all_ = summary["all"]
    lines = [
        f"# Load test: {summary['sessions']} sessions, {summary['minutes']} min ({summary['started']})",
        "",
        "| sessions held | interactions | p50 | p95 | max | errors | publications (ok) | load avg 1 min (mean/max) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {summary['sessions_held']} of {summary['sessions']} | {summary['interactions']} "
        f"| {all_.get('p50_s', '-')} s | {all_.get('p95_s', '-')} s | {all_.get('max_s', '-')} s "
        f"| {summary['errors']} | {summary['publications']} ({summary['publications_ok']}) "
        f"| {summary['load_average_mean_1min']} / {summary['load_average_max_1min']} on {summary['cpus']} cores |",
        "",
        "| interaction | count | p50 | p95 | max | errors |",
        "|---|---|---|---|---|---|",
    ]
    for kind, stats in summary["by_kind"].items():
        lines.append(
            f"| {kind} | {stats['count']} | {stats.get('p50_s', '-')} s | {stats.get('p95_s', '-')} s "
            f"| {stats.get('max_s', '-')} s | {stats['errors']} |"
        )
    fresh = summary["fresh_check"]
    lines += [
        "",
        f"Publications: {summary['publications']} ({summary['publications_ok']} ok), versions "
        f"{' to '.join(summary['versions']) or '-'}, ingest p50 {summary['publication_seconds'].get('p50_s', '-')} s. "
        f"Fresh page after the last one: Sudah rekam {fresh['shown']} (store {fresh['expected']}). "
        f"Server peak RSS {summary['server_peak_rss_mb']} MB; server CPU {summary['server_cpu_s']} s over "
        f"{summary['elapsed_s']} s (on average {summary['server_cpu_share']} of one core), "
        f"{summary['server_cpu_s_per_interaction']} CPU s per interaction (finished or not).",
    ]
    if summary["error_list"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {e.get('kind')} {e.get('target', '')}: {e['error'][:300]}" for e in summary["error_list"][:20]]
    return "\n".join(lines) + "\n"


def _range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--data-dir", type=Path, help="a prepared store to copy (default: build demo data)")
    parser.add_argument("--provinsi", default="33,34", help="provinces with data; the last one gets the ingests")
    parser.add_argument("--publish-every", type=_range, default=(30.0, 45.0), help="seconds between ingests, A-B")
    parser.add_argument(
        "--think", type=_range, default=(30.0, 90.0), help="seconds between interactions, A-B (reading a page)"
    )
    parser.add_argument(
        "--timeout", type=float, default=INTERACTION_TIMEOUT_S, help="seconds before an interaction is an error"
    )
    parser.add_argument("--ramp-up", type=float, default=RAMP_UP_S, help="seconds between two session starts")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    args.started = datetime.now().isoformat(timespec="seconds")
    return args


def run(args: argparse.Namespace) -> dict:
    """One load run; returns the summary (also written to args.out as JSON and Markdown)."""
    with tempfile.TemporaryDirectory(prefix="pantau-load-") as tmp:
        workdir = Path(tmp)
        data_dir = prepare_data(workdir, args.data_dir, [p.strip() for p in args.provinsi.split(",")])
        server_log = workdir / "server.log"
        with streamlit_server(data_dir, server_log) as (base, process):
            log(f"server {base}; {args.sessions} sesi selama {args.minutes} menit")
            outcome = asyncio.run(drive(args, base, data_dir, workdir, process.pid))
            server_peak = peak_rss_mb(process.pid)
        summary = summarize(args, outcome, server_log, server_peak)
        args.out.mkdir(parents=True, exist_ok=True)
        kept_log = args.out / f"load-{args.started.replace(':', '')}-server.log"
        shutil.copyfile(server_log, kept_log)  # the tracebacks behind a redacted exception box are only here
        details = [vars(r) for r in outcome["results"]]
        publications = outcome["publications"]
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"load-{args.sessions}x{args.minutes:g}m-{args.started.replace(':', '')}"
    write_json(stem.with_suffix(".json"), summary | {"interaction_list": details, "publication_list": publications})
    text = markdown(summary)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    summary["files"] = [str(stem.with_suffix(".json")), str(stem.with_suffix(".md"))]
    print(text)
    return summary


def main(argv: list[str] | None = None) -> int:
    summary = run(parse_args(argv))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
