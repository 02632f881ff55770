"""Login for real: Streamlit's st.login against a local OpenID Connect provider (oidc-provider-mock),
a real `streamlit run` server with an [auth] section in its secrets, and headless Chromium.

The secrets file is written to a temporary HOME (~/.streamlit/secrets.toml), never to the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import HEALTH_TIMEOUT, REPO, _free_port, _healthy, _tail, browser_unavailable

pytestmark = pytest.mark.e2e

_REASON = browser_unavailable()
if _REASON and not os.environ.get("CI"):
    pytest.skip(_REASON, allow_module_level=True)
pytest.importorskip("oidc_provider_mock", reason="pip install -r requirements-dev.txt (oidc-provider-mock)")
pytest.importorskip("authlib", reason="st.login needs Authlib (requirements.txt)")

PROVINSI = "kadis@jateng.go.id"  # Jawa Tengah (33); the e2e data also holds 34 and 91
ROLES = f"""
[[pengguna]]
email = "{PROVINSI}"
peran = "provinsi"
wilayah = "33"
"""
OTHER_PROVINCES = ("Yogyakarta", "Kulon Progo", "Bantul", "Sleman", "Papua", "Jayapura")
TIMEOUT_MS = 90_000
APP = '[data-testid="stApp"]'


def _wait_for(url: str, process: subprocess.Popen, log: Path, check) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while not check(url):
        if process.poll() is not None:
            pytest.fail(f"{process.args[:3]} exited with {process.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"{url} not up after {HEALTH_TIMEOUT:.0f} s:\n{_tail(log)}")
        time.sleep(0.25)


def _discovery_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local OIDC provider whose login form offers the province head's account."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc") / "oidc.log"
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--user", PROVINSI]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(url, process, log, _discovery_ok)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def login_server(e2e_data_dir: Path, identity_provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with login on: [auth] in the server's secrets, a roles file, the e2e demo data."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    home = tmp_path_factory.mktemp("home")
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "uji-e2e-bukan-rahasia-0123456789abcdef"\n'
        'client_id = "pantau-uji"\n'
        'client_secret = "uji"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = home / "peran.toml"
    roles.write_text(ROLES, encoding="utf-8")
    log = home / "server.log"
    env = {
        **os.environ,
        "HOME": str(home),
        "PANTAU_DATA_DIR": str(e2e_data_dir),
        "PANTAU_ROLES_FILE": str(roles),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(url, process, log, _healthy)
        yield url
    finally:
        _stop(process)


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def idle(page) -> None:
    for _ in range(2):
        page.wait_for_selector(f'{APP}[data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)


def app_text(page) -> str:
    return page.locator(APP).inner_text()


def log_in(page, base: str) -> None:
    page.goto(base + "/")
    idle(page)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=TIMEOUT_MS)
    page.get_by_role("button", name=PROVINSI).click()  # the mock provider's one-click account
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    idle(page)


@pytest.mark.parametrize("path", ["/", "/peringkat?wilayah=33", "/status-data", "/analisis?wilayah=34.01"])
def test_an_unauthenticated_browser_sees_only_the_login_screen(login_server, page, path):
    page.goto(login_server + path)
    idle(page)
    text = app_text(page)
    assert "Masuk" in text and "hanya untuk pengguna terdaftar" in text
    assert "%" not in text and "Jawa Tengah" not in text and "Peringkat" not in text
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').count() == 0


def test_a_province_head_logs_in_and_a_url_to_another_province_gives_their_own(
    login_server, page, screenshot_dir: Path
):
    log_in(page, login_server)
    assert f"Masuk sebagai {PROVINSI}" in app_text(page)
    page.goto(login_server + "/analisis?wilayah=34.01")  # Kulon Progo, DI Yogyakarta
    idle(page)
    assert "wilayah=33" in page.url and "34.01" not in page.url
    text = app_text(page)
    assert "hanya berhak melihat Jawa Tengah" in text
    assert not [name for name in OTHER_PROVINCES if name in text]
    page.screenshot(path=str(screenshot_dir / "login_provinsi_analisis.png"), full_page=True)

    page.goto(login_server + "/peringkat")  # the peer ranking is the one view beyond the own province
    idle(page)
    text = app_text(page)
    assert "Peringkat Jawa Tengah" in text and "dari 3" in text  # ranked among the three provinces with data
    assert "Peringkat Jawa Tengah di antara provinsi" in text

    page.goto(login_server + "/tren?pembanding=34,91")  # a shared link comparing with other provinces
    idle(page)
    assert not [name for name in OTHER_PROVINCES if name in app_text(page)]

    page.get_by_role("button", name="Keluar").click()  # Streamlit drops its cookie, then ends the IdP session
    page.wait_for_url("**/oauth2/end_session**", timeout=TIMEOUT_MS)
    page.goto(login_server + "/ringkasan?wilayah=33")
    idle(page)
    assert "hanya untuk pengguna terdaftar" in app_text(page) and "%" not in app_text(page)
