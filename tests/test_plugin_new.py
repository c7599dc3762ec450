"""`marsad plugin new NAME`: the generated package installs, registers, migrates and
passes its own tests as it is (installed into a folder of its own, not this venv)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MARSAD = Path(sys.executable).parent / "marsad"


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_the_generated_plugin_passes_its_own_tests(tmp_path: Path) -> None:
    made = run(str(MARSAD), "plugin", "new", "word_stats", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    package = tmp_path / "marsad-word_stats"
    site = tmp_path / "site"
    installed = run(
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
        "--no-build-isolation", "--target", str(site), str(package), cwd=tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "MARSAD_DISABLE_PLUGINS": "",
        "MARSAD_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
    }
    tests = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package, env=env
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "2 passed" in tests.stdout

    upgraded = run(str(MARSAD), "db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "plugin 'word_stats': at 0001, newest 0001" in upgraded.stdout
    listed = run(str(MARSAD), "plugins", cwd=tmp_path, env=env)
    assert "word_stats" in listed.stdout


@pytest.mark.parametrize("name", ["Bad-Name", "x", "9lives", "ends-with-dash-"])
def test_a_name_that_cannot_be_a_package_is_refused(tmp_path: Path, name: str) -> None:
    refused = run(str(MARSAD), "plugin", "new", name, cwd=tmp_path)
    assert refused.returncode == 2
    assert "cannot name a plugin" in refused.stderr
    assert not any(tmp_path.iterdir())


def test_the_name_of_an_installed_plugin_is_refused(tmp_path: Path) -> None:
    refused = run(str(MARSAD), "plugin", "new", "extract", cwd=tmp_path)
    assert refused.returncode == 2 and "already installed" in refused.stderr
    assert not any(tmp_path.iterdir())


def test_an_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "marsad-taken").mkdir()
    (tmp_path / "marsad-taken" / "mine.txt").write_text("keep")
    refused = run(str(MARSAD), "plugin", "new", "taken", cwd=tmp_path)
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert (tmp_path / "marsad-taken" / "mine.txt").read_text() == "keep"
