"""Fixtures for the browser tests: a demo data directory, a real streamlit server, headless Chromium.

Nothing here downloads a browser: Playwright drives Debian's /usr/bin/chromium. Without it the
e2e module is skipped locally and fails in CI (env CI set).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PROVINCES = ["33", "34", "91"]  # Jawa Tengah, DI Yogyakarta, Papua: small, fast, and two island groups
HEALTH_TIMEOUT = 60.0
SCREENSHOTS = REPO / "artifacts" / "screenshots"
_COMPLETE = ".e2e-complete"


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run e2e tests"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (pip install -r requirements-dev.txt)"
    return None


def _cache_key() -> str:
    """Changes when the demo generator or the store format changes, so a stale cache is rebuilt."""
    digest = hashlib.sha256(",".join(PROVINCES).encode())
    for name in ("pantau/demo.py", "pantau/ingest.py", "pantau/store.py"):
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def e2e_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data for three provinces, built once and reused by later sessions (pytest's temp root).

    Built in a private folder and renamed into place, so concurrent sessions never read half a store.
    """
    from pantau import demo
    from pantau.store import Store

    root = tmp_path_factory.getbasetemp().parent  # kept across sessions, unlike getbasetemp()
    final = root / f"pantau-e2e-demo-{_cache_key()}"
    if (final / _COMPLETE).exists():
        return final
    shutil.rmtree(final, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix="pantau-e2e-build-", dir=root))
    demo.build(Store(building), provinces=PROVINCES)
    (building / _COMPLETE).write_text("ok\n", encoding="ascii")
    try:
        building.rename(final)
    except OSError:  # another session finished first: use its copy
        shutil.rmtree(building, ignore_errors=True)
    assert (final / _COMPLETE).exists()
    return final


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (localhost)
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def _tail(log_path: Path) -> str:
    return log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server's stdout and stderr go (uncaught script errors are logged there)."""
    return tmp_path_factory.mktemp("streamlit") / "server.log"


@pytest.fixture(scope="session")
def server(e2e_data_dir: Path, server_log: Path) -> Iterator[str]:
    """A streamlit server on a free port over the demo data; yields its base URL, stops it at the end."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = server_log
    env = {**os.environ, "PANTAU_DATA_DIR": str(e2e_data_dir), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {HEALTH_TIMEOUT:.0f} s:\n{_tail(log_path)}")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = browser_unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"e2e tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
