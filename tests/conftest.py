"""Suite-wide hooks: the long reliability battery runs only with PANTAU_LONG=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.pages import navigation_only
from tests import reliability

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if reliability.LONG:
        return
    skip = pytest.mark.skip(reason="long reliability run only: set PANTAU_LONG=1")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not reliability.COUNTS:
        return
    name = os.environ.get("PANTAU_RELIAB_OUT") or ("reliability.json" if reliability.LONG else "reliability-quick.json")
    out = REPO / "artifacts" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({k: dict(v) for k, v in sorted(reliability.COUNTS.items())}, indent=1) + "\n")


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest in every test runs through dashboard.py's navigation (see bench/pages.py)."""
    navigation_only(monkeypatch.setattr)
