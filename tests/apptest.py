"""Opening the dashboard in streamlit.testing.v1.AppTest, shared by the page tests."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pantau import ui

REPO = Path(__file__).resolve().parent.parent


def open_dashboard(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, page: str, reuse_cache: bool = False, **query: str
) -> AppTest:
    """Run dashboard.py on `data_dir` with URL query parameters, then switch to `page`.

    Caches are cleared first (ui.database() is a cache_resource bound to one data directory), unless
    `reuse_cache` and the cached database already serves `data_dir`.
    """
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    if not reuse_cache or ui.database().store.data_dir.resolve() != data_dir.resolve():
        st.cache_resource.clear()
        st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    return at
