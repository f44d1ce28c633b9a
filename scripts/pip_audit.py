"""Run pip-audit on the installed dependencies and judge the result.

Fails on any known vulnerability not listed in `[tool.helpdesk.pip-audit] ignore` of
pyproject.toml (each entry with its reason). When the vulnerability service cannot be reached
(no network, or a mirror without the JSON API: every package "could not be audited"), it says
so clearly and passes: a network error is not a finding.
"""

import json
import subprocess  # nosec B404 - runs pip-audit with a fixed argument list
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
config = tomllib.loads((ROOT / "pyproject.toml").read_text())
ignored = config.get("tool", {}).get("helpdesk", {}).get("pip-audit", {}).get("ignore", {})

command = [
    str(Path(sys.executable).parent / "pip-audit"),
    "--format",
    "json",
    "--progress-spinner",
    "off",
]
for vuln_id in ignored:
    command += ["--ignore-vuln", vuln_id]
result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603  # nosec B603 - fixed argv, no shell
try:
    report = json.loads(result.stdout)
except json.JSONDecodeError:
    print(result.stderr.strip()[-2000:])
    print("pip-audit: NOT AUDITED - the vulnerability service could not be reached.")
    sys.exit(0)

dependencies = report.get("dependencies", [])
audited = [d for d in dependencies if "skip_reason" not in d]
findings = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
for name, version, vuln in findings:
    fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
    print(f"VULNERABLE {name} {version}: {vuln['id']} (fixed in {fixes})")
for vuln_id, reason in ignored.items():
    print(f"ignored {vuln_id}: {reason}")
if not audited and dependencies:
    print(
        f"pip-audit: NOT AUDITED - none of {len(dependencies)} packages could be looked up "
        "(vulnerability service unreachable from this machine); not a failure."
    )
    sys.exit(0)
print(
    f"pip-audit: {len(audited)} of {len(dependencies)} packages audited, {len(findings)} findings."
)
sys.exit(1 if findings else 0)
