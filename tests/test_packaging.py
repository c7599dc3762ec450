"""Packaging: one ``marsad`` namespace in the wheel, everything shipped, nothing bare.

The wheel is built once for the module from a copy of the source tree (so the test
neither reads nor leaves a stale ``build/`` in the checkout).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, need

pytestmark = pytest.mark.slow

# Each source folder and where the wheel puts it, as pyproject.toml maps them.
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
PACKAGES = {
    folder: name.replace(".", "/")
    for name, folder in SETUPTOOLS["setuptools"]["package-dir"].items()
    if "/" not in folder
}
BARE_NAMES = (*PACKAGES, "tests")
DATA_GLOBS = (
    "core/plugin_template/*.tmpl",
    "migrations/script.py.mako",
    "api/*.graphql",
    "api/*.html",
    "api/static/**/*",
    "text/lexicons/*.txt",
    "text/models/*.json",
)


def source_files(pattern: str) -> list[Path]:
    return [
        path
        for path in ROOT.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
    ]


def wheel_name(source: Path) -> str:
    """Where a source file must be inside the wheel."""
    relative = source.relative_to(ROOT)
    return f"{PACKAGES[relative.parts[0]]}/{'/'.join(relative.parts[1:])}"


def _can_build_without_isolation() -> bool:
    from importlib.metadata import version

    major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    return importlib.util.find_spec("wheel") is not None or (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in PACKAGES:
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist")]
    if _can_build_without_isolation():
        command.append("--no-isolation")
    # Otherwise (setuptools < 70.1 without `wheel`) build fetches its build requirements.
    result = subprocess.run(
        [*command, str(source)], capture_output=True, text=True, timeout=600, check=False
    )
    need(
        result.returncode == 0,
        f"could not build the wheel:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
    )
    (built,) = (work / "dist").glob("marsad-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_every_module_is_in_the_wheel_under_marsad(wheel_files: set[str]) -> None:
    modules = [path for folder in PACKAGES for path in source_files(f"{folder}/**/*.py")]
    assert any("migrations/versions" in str(path) for path in modules)
    missing = sorted(wheel_name(path) for path in modules if wheel_name(path) not in wheel_files)
    assert not missing, f"modules left out of the wheel: {missing}"


def test_package_data_is_in_the_wheel(wheel_files: set[str]) -> None:
    data = [path for pattern in DATA_GLOBS for path in source_files(pattern)]
    assert ROOT / "migrations" / "script.py.mako" in data
    missing = sorted(wheel_name(path) for path in data if wheel_name(path) not in wheel_files)
    assert not missing, f"package data left out of the wheel: {missing}"


def test_nothing_is_installed_at_the_top_level_but_marsad(
    wheel: Path, wheel_files: set[str]
) -> None:
    dist_info = next(name.split("/")[0] for name in wheel_files if ".dist-info/" in name)
    tops = {name.split("/")[0] for name in wheel_files} - {dist_info}
    assert tops == {"marsad"}
    assert not any(name.startswith("marsad/tests/") for name in wheel_files)
    with zipfile.ZipFile(wheel) as archive:
        top_level_file = f"{dist_info}/top_level.txt"
        if top_level_file in wheel_files:
            top_level = archive.read(top_level_file).decode().split()
            assert set(top_level) <= {"marsad"}, top_level
            assert not set(top_level) & set(BARE_NAMES)
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    assert "marsad = marsad.core.cli:main" in entry_points.replace("  ", " ")


def _python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_installed_environment_has_no_bare_packages(tmp_path: Path) -> None:
    code = (
        "import importlib.util, json\n"
        f"names = {list(BARE_NAMES)!r}\n"
        "print(json.dumps({\n"
        "    'bare': {n: importlib.util.find_spec(n) is not None for n in names},\n"
        "    'marsad': importlib.util.find_spec('marsad.core') is not None,\n"
        "}))\n"
    )
    result = _python(code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["marsad"]
    assert found["bare"] == dict.fromkeys(BARE_NAMES, False)


def test_the_wheel_works_without_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    code = (
        "import json, marsad.core, marsad.migrations\n"
        "from marsad.core.plugins import make_plugins\n"
        "from marsad.core.schema import head_revision\n"
        "from marsad.core.settings import Settings\n"
        "plugins = make_plugins(Settings(), load_entry_points=False)\n"
        "print(json.dumps({\n"
        "    'core': marsad.core.__file__,\n"
        "    'migrations': marsad.migrations.__file__,\n"
        "    'head': head_revision(),\n"
        "    'stages': [s.name for s in plugins.stages()],\n"
        "}))\n"
    )
    result = _python(code, cwd=tmp_path, PYTHONPATH=str(site))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["core"]).is_relative_to(site)
    assert Path(found["migrations"]).is_relative_to(site)
    assert found["head"]
    assert "parse" in found["stages"]


def test_a_fresh_venv_with_the_bundled_pip_installs_a_working_marsad(
    wheel: Path, tmp_path: Path
) -> None:
    # Python 3.11 ships pip 23.2, which left lxml_html_clean out when it came only
    # through an extra of lxml: every command then failed importing trafilatura.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    listed = subprocess.run(
        [str(venv / "bin" / "marsad"), "plugins", "--json"],
        env={**os.environ, "MARSAD_DATABASE_URL": "sqlite://", "MARSAD_STRICT_PLUGINS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    names = {plugin["name"] for plugin in json.loads(listed.stdout)["plugins"]}
    assert {"parse", "readers", "dedupe"} <= names
