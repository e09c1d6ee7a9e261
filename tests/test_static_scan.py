"""A static security scan (bandit) of the project's code: no finding of medium severity or
above that has not been reviewed (a reviewed line carries `# nosec <test id>` and the reason)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = ["awards", "nominations", "shortlisting", "events", "config", "benchmarks"]

pytestmark = pytest.mark.once


def test_bandit_finds_nothing_unreviewed():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *[c for c in CODE if (ROOT / c).exists()], "-ll", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert findings == []
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it really read the code
