"""Streamlit's security defaults stay on with the repository's .streamlit/config.toml.

Read in a fresh interpreter started in the repository (where `streamlit run` reads its config), with a
HOME that has no ~/.streamlit/config.toml of its own, so only the repository's file and the defaults count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import json
from streamlit import config
config.get_config_options(force_reparse=True)
names = ["server.enableXsrfProtection", "server.enableCORS", "server.maxUploadSize", "client.showErrorDetails",
         "client.toolbarMode"]
print(json.dumps({name: config.get_option(name) for name in names}))
"""


@pytest.fixture(scope="module")
def effective(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_xsrf_protection_is_on(effective):
    assert effective["server.enableXsrfProtection"] is True


def test_cors_protection_stays_on(effective):
    assert effective["server.enableCORS"] is True


def test_no_tracebacks_or_developer_menu_for_users(effective):
    assert effective["client.showErrorDetails"] == "none"
    assert effective["client.toolbarMode"] == "viewer"


def test_upload_limit_is_50_mb(effective):
    assert effective["server.maxUploadSize"] == 50


def test_no_secrets_file_is_committed():
    tracked = subprocess.run(["git", "ls-files", ".streamlit"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "secrets.toml" not in tracked.stdout
    ignored = subprocess.run(["git", "check-ignore", ".streamlit/secrets.toml"], cwd=REPO, capture_output=True)
    assert ignored.returncode == 0, ".streamlit/secrets.toml must be git-ignored"
