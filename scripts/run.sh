#!/usr/bin/env bash
# Runs the dashboard. On an empty data directory it builds the demo data first (about 30 s).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" "$ROOT/requirements.txt"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m streamlit run dashboard.py --browser.gatherUsageStats false "$@"
