"""`make run` installs what serving needs; `make test` adds the test and load-test tools."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
    "dev"
]


def requirements(*args: str) -> list[str]:
    script = ROOT / "scripts" / "requirements.py"
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_runtime_requirements_leave_out_the_dev_extras():
    runtime = requirements()

    assert "Django>=5.2,<5.3" in runtime
    assert not set(runtime) & set(DEV)
    assert not [r for r in runtime if r.startswith(("pytest", "locust", "playwright", "bandit"))]


def test_dev_requirements_add_the_extras():
    assert requirements("--dev") == requirements() + DEV


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("target", "installs_dev"), [("run", False), ("test", True)])
def test_make_targets_install_dev_extras_only_for_tests(tmp_path, target, installs_dev):
    venv = tmp_path / "venv"
    plan = subprocess.run(  # noqa: S603
        ["make", "-n", target, f"VENV={venv}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert f"{venv}/requirements.txt" in plan
    assert ("requirements.py --dev" in plan) is installs_dev
