"""Rewrite migrations/versions/0001_core_schema.py from the models.

Until marsad's first release no database needs to be upgraded step by step, so the
schema is one initial revision generated from ``core/models.py``. After the first
release, add revisions with ``alembic revision --autogenerate`` instead.

Run: .venv/bin/python scripts/regenerate_initial_migration.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from marsad.core.db import make_engine
from marsad.core.schema import alembic_config

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/empty.db")
        with engine.begin() as connection:
            command.revision(
                alembic_config(connection), message="core schema", autogenerate=True, rev_id="0001"
            )
        engine.dispose()
    # Alembic writes long lines and a trailing space; keep the file lint-clean.
    ruff = Path(sys.executable).parent / "ruff"
    files = [str(path) for path in VERSIONS.glob("0001_*.py")]
    subprocess.run([ruff, "format", "--quiet", *files], check=True)
    subprocess.run([ruff, "check", "--silent", "--fix", "--unsafe-fixes", *files], check=False)


if __name__ == "__main__":
    main()
