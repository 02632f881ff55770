"""Dependency audit with pip-audit: the minimum versions in the requirements files, then the installed set.

    python scripts/audit.py [--strict]

1. Every `name>=X` of requirements.txt, requirements-dev.txt and bench/requirements.txt is audited as
   `name==X` (no resolution, no install: fast). A known vulnerability in a minimum version fails the
   run (exit 1) with the fixed versions to raise the minimum to.
2. The installed environment (what the tests ran on, with every transitive dependency) is audited and
   its findings are printed; they fail the run only with --strict, since a transitive package is not
   ours to pin.

pip-audit's default service is PyPI's JSON API (`/pypi/NAME/VERSION/json`). Where that answers for
none of the packages (no network, or a registry mirror without the per-release JSON), the audit says
so loudly and exits 0, or 1 with --strict or PANTAU_AUDIT_STRICT=1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt", "bench/requirements.txt")
TIMEOUT_S = "10"


def minimum_pins(files: list[Path]) -> list[str]:
    """`name==X` for each `name>=X` in the requirements files (includes with -r are read by their own entry)."""
    pins: dict[str, str] = {}
    for path in files:
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            try:
                requirement = Requirement(line)
            except InvalidRequirement as exc:
                raise SystemExit(f"{path.name}: cannot read {line!r}: {exc}") from exc
            lower = [spec.version for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
            if not lower:
                raise SystemExit(f"{path.name}: {requirement.name} has no minimum version (name>=X)")
            pins[requirement.name.lower()] = f"{requirement.name}=={lower[0]}"
    return sorted(pins.values())


def pip_audit(arguments: list[str]) -> tuple[int, dict]:
    command = [
        sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off", "--desc", "off",
        "--timeout", TIMEOUT_S, *arguments,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else {"dependencies": []}
    except json.JSONDecodeError:
        report = {"dependencies": []}
    if done.returncode not in (0, 1) or (done.returncode == 1 and not report["dependencies"]):
        raise SystemExit(f"pip-audit failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.returncode, report


def findings(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerability lines, skipped package lines, audited count) of a pip-audit JSON report."""
    vulnerable, skipped, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            vulnerable.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    return vulnerable, skipped, audited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strict", action="store_true", default=os.environ.get("PANTAU_AUDIT_STRICT") == "1")
    args = parser.parse_args()
    status = 0

    pins = minimum_pins([ROOT / name for name in REQUIREMENTS if (ROOT / name).exists()])
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="audit-minimum-", delete=False) as handle:
        handle.write("\n".join(pins) + "\n")
    try:
        _, report = pip_audit(["--requirement", handle.name, "--no-deps", "--disable-pip"])
    finally:
        os.unlink(handle.name)
    vulnerable, skipped, audited = findings(report)
    print(f"audit: minimum versions: {audited} of {len(pins)} audited, {len(vulnerable)} known vulnerabilities")
    for line in vulnerable:
        print(f"  VULNERABLE minimum: {line}  -> raise the minimum in the requirements file")
    if vulnerable:
        status = 1
    if audited == 0:
        reason = skipped[0] if skipped else "no packages"
        print(
            "audit: NOT DONE: the vulnerability service answered for no package "
            f"(first: {reason}). Run it where pypi.org's per-release JSON API is reachable.",
            file=sys.stderr,
        )
        return 1 if args.strict else status

    _, report = pip_audit(["--local"])
    installed_vulnerable, installed_skipped, installed_audited = findings(report)
    total = installed_audited + len(installed_skipped)
    print(f"audit: installed packages: {installed_audited} of {total} audited, {len(installed_vulnerable)} known")
    for line in installed_vulnerable:
        print(f"  vulnerable installed package: {line}")
    if installed_vulnerable and args.strict:
        status = 1

    for line in skipped + installed_skipped:
        print(f"  not audited: {line}")
    return status


if __name__ == "__main__":
    sys.exit(main())
