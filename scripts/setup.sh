#!/usr/bin/env bash
# Shared set-up: a virtual environment in .venv with the pinned minimum versions installed.
# Usage: source scripts/setup.sh [requirements file]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUIREMENTS="${1:-$ROOT/requirements.txt}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    "$PYTHON" -m venv "$ROOT/.venv"
    "$ROOT/.venv/bin/python" -m pip install --quiet --upgrade pip
fi
"$ROOT/.venv/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
