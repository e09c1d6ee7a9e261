"""A dependency audit (pip-audit) of everything installed in the project's environment: no
package with a known vulnerability that has not been reviewed.

pip-audit asks a vulnerability service (PyPI's, else OSV) about each installed version. It
exits 0 when it could not ask about anything, so this test reads its report: a package it
could not audit is not a pass. When the service answers for none of them (a machine with
no internet beyond a package mirror) the test is skipped and says so, rather than passing."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.once

# A vulnerability reviewed and accepted: its id, and why it does not reach PROUD. Empty today.
REVIEWED: dict[str, str] = {}

# Installed from this checkout, not from PyPI: nothing to look up.
OURS = {"proud"}


def audit(service: str) -> list[dict]:
    command = [sys.executable, "-m", "pip_audit", "--local", "--format", "json", "--progress-spinner", "off"]
    command += ["--vulnerability-service", service]
    for vulnerability in REVIEWED:
        command += ["--ignore-vuln", vulnerability]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        return [{"name": "*", "skip_reason": (result.stderr.strip().splitlines() or ["no report"])[-1]}]


def vulnerabilities(packages: list[dict]) -> list[str]:
    return [
        f"{p['name']} {p['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})"
        for p in packages
        if "skip_reason" not in p
        for v in p["vulns"]
    ]


def test_a_vulnerability_in_the_report_is_named():
    """The reading of pip-audit's report, on a report shaped like its JSON output."""
    report = [
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.1"]}]},
        {"name": "tablib", "version": "3.10.0", "vulns": []},
        {"name": "somewhere", "skip_reason": "Dependency not found on PyPI"},
    ]
    assert vulnerabilities(report) == ["django 5.2.0: PYSEC-2099-1 (fixed in 5.2.1)"]


def test_no_installed_package_has_a_known_vulnerability():
    for service in ("pypi", "osv"):
        packages = [p for p in audit(service) if p["name"].lower() not in OURS]
        audited = [p for p in packages if "skip_reason" not in p]
        if audited:
            break
    else:
        pytest.skip(f"no vulnerability service answered from this machine (last: {packages[0]['skip_reason']})")

    assert vulnerabilities(packages) == []
    not_audited = [p["name"] for p in packages if "skip_reason" in p]
    assert not_audited == [], "pip-audit could not look these up; audit them by hand or find out why"
    assert len(audited) > 50  # it really read the environment
