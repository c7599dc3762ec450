"""Build ``text/lexicons/background_df.txt.gz``: in how many articles of news at
large each word appears, for :mod:`marsad.plugins.cluster.event_similarity`.

Reads the SaudiNewsNet daily dumps in ``../shared/corpus/saudinewsnet`` but the days
that the settings were chosen on (the development stories gold's two days; the
held-out gold's days are read, texts only), each article's title and lead as
the similarity reads them, and writes the words found in three articles or more.
The output depends only on the input files: run it again after changing how words
are read, and commit the result.

    .venv/bin/python scripts/build_background_df.py [CORPUS_DIR]
"""

from __future__ import annotations

import gzip
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path

from marsad.plugins.cluster.event_similarity import (
    BACKGROUND_FILE,
    LEAD_CHARS,
    Background,
    event_words,
)

DEVELOPMENT_DAYS = ("2015-07-25", "2015-07-26")  # tests/data/stories_dev.json
ROOT = Path(__file__).resolve().parent.parent


def main(corpus: Path) -> None:
    frequency: Counter[str] = Counter()
    articles = 0
    dumps = sorted(p for p in corpus.glob("*.zip") if p.stem not in DEVELOPMENT_DAYS)
    if not dumps:
        sys.exit(f"no SaudiNewsNet dumps (*.zip) in {corpus}")
    for dump in dumps:
        with zipfile.ZipFile(dump) as archive:
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    lead = (item.get("content") or "")[:LEAD_CHARS]
                    frequency.update(set(event_words(f"{item.get('title') or ''} {lead}")))
                    articles += 1
        print(f"{dump.name}: {articles} articles so far", file=sys.stderr)
    lines = Background(articles, frequency).lines()
    target = ROOT / "text" / "lexicons" / BACKGROUND_FILE
    # mtime=0: the same input gives the same bytes.
    target.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(f"wrote {target} ({len(lines) - 1} words, {articles} articles)", file=sys.stderr)


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
