"""Write the next schema revision, generated from the difference between the models
and the schema the existing revisions build.

Released revisions are never edited (tests/test_operations.py pins their checksums):
every schema change is a new revision, with a test that upgrades a database holding
data on SQLite and PostgreSQL. Read the generated file before committing it:
autogenerate misses renames and data moves.

Run: .venv/bin/python scripts/new_migration.py "what changes"
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from marsad.core.db import make_engine
from marsad.core.models import Base
from marsad.core.schema import alembic_config, upgrade

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        raise SystemExit(__doc__.strip().splitlines()[-1])
    numbers = [int(path.name[:4]) for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py")]
    rev_id = f"{max(numbers, default=0) + 1:04d}"
    before = set(VERSIONS.glob(f"{rev_id}_*.py"))
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/head.db")
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            if not compare_metadata(context, Base.metadata):
                raise SystemExit("the models match the schema at head: no revision written")
        with engine.begin() as connection:
            command.revision(
                alembic_config(connection), message=sys.argv[1], autogenerate=True, rev_id=rev_id
            )
        engine.dispose()
    # Alembic writes long lines and a trailing space; keep the file lint-clean.
    ruff = Path(sys.executable).parent / "ruff"
    files = [str(path) for path in set(VERSIONS.glob(f"{rev_id}_*.py")) - before]
    subprocess.run([ruff, "format", "--quiet", *files], check=True)
    subprocess.run([ruff, "check", "--silent", "--fix", "--unsafe-fixes", *files], check=False)
    print("\n".join(files))


if __name__ == "__main__":
    main()
