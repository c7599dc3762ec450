"""Write the schema's SDL to ``schema.graphql``: ``python -m marsad.api.export_schema``.

The file is committed, so a change to the API shows up in review as a change to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.graphql"


def schema_sdl() -> str:
    from marsad.api.schema import schema

    return schema.as_str().rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_FILE
    target.write_text(schema_sdl(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
