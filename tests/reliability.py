"""Shared by the reliability battery (tests/test_reliab_*.py): quick or long run, and its tally.

The quick variant runs in every `pytest`; `PANTAU_LONG=1` scales every part up (and runs the tests
marked `long`). Each part adds its counts with `tally(...)`; at the end of a long run conftest.py
writes them to artifacts/reliability.json, the source of the table in docs/reliability.md.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict

LONG = os.environ.get("PANTAU_LONG", "").strip() not in ("", "0")

COUNTS: defaultdict[str, Counter] = defaultdict(Counter)


def scale(quick: int, long: int) -> int:
    """How many trials: `quick` in the default run, `long` with PANTAU_LONG=1."""
    return long if LONG else quick


def tally(part: str, **counts: int) -> None:
    """Add counts (cases tried, crashes survived, ...) to a battery part's row."""
    COUNTS[part].update(counts)
