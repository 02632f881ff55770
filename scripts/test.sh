#!/usr/bin/env bash
# Runs the whole test suite: installs pip packages into .venv and Debian's chromium (for browser
# tests and chart export) with apt when missing, lints, audits the dependencies, then runs pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
source "$ROOT/scripts/setup.sh" "$ROOT/requirements-dev.txt"
cd "$ROOT"
"$ROOT/.venv/bin/python" -m ruff check .
"$ROOT/.venv/bin/python" scripts/audit.py
"$ROOT/.venv/bin/python" -m pytest "$@"
