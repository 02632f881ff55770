"""A shared link is often the first request a server gets (a link in a WhatsApp group, the morning
after a restart). Streamlit then resolves the page from the pages/ folder by file name before
dashboard.py has registered its pages; a file name that differs from the page's URL showed a
"Page not found" dialog over the page. And nothing a page loads may come from off this machine:
a material icon as the tab icon was fetched from Google's font servers on every load.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.load import streamlit_server
from bench.pages import page_calls

from .conftest import browser_unavailable

pytestmark = pytest.mark.e2e

_REASON = browser_unavailable()
if _REASON and not os.environ.get("CI"):
    pytest.skip(_REASON, allow_module_level=True)  # in CI the browser fixture fails instead

TIMEOUT_MS = 90_000


def test_every_page_file_is_named_as_its_url() -> None:
    """The first-request lookup finds a page only when its file name is its URL path."""
    pages = page_calls()
    assert len(pages) == 8
    for path, kwargs in pages:
        assert Path(path).stem == kwargs.get("url_path"), (path, kwargs.get("url_path"))


@pytest.mark.parametrize("path,title", [("/hitung-mundur", "Hitung mundur pemilu"), ("/status-data", "Status data")])
def test_first_request_to_a_page_shows_it_without_a_not_found_dialog(
    browser, e2e_data_dir: Path, tmp_path: Path, path: str, title: str
) -> None:
    with streamlit_server(e2e_data_dir, tmp_path / "server.log") as (base, _process):
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="id-ID")
        context.set_default_timeout(TIMEOUT_MS)
        hosts: set[str] = set()
        context.on("request", lambda request: hosts.add(urlparse(request.url).hostname or request.url[:40]))
        try:
            page = context.new_page()
            page.goto(base + path, wait_until="domcontentloaded")
            heading = page.locator('[data-testid="stMainBlockContainer"] h1').first
            heading.wait_for()
            assert title in heading.inner_text()
            page.wait_for_timeout(3000)  # the dialog came with the first run's end
            body = page.locator("body").inner_text()
            assert "Page not found" not in body and "does not seem to exist" not in body
            assert hosts == {"127.0.0.1"}, f"requests left this machine: {sorted(hosts)}"
        finally:
            context.close()
