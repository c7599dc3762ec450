"""What the stages' own computation costs, with no database at all.

The inputs are the first ``--articles`` of the throughput corpus, stored once with
``marsad ingest --no-process`` (not timed) and read back as the parse stage reads them.
Then, article by article, the pure functions each stage hands to ``ctx.compute`` or
runs per article are timed in CPU seconds (``time.process_time``):

- parse: ``parse_input`` (decoding, fields, paragraphs, language);
- normalize: ``display_text`` of each paragraph and the match key;
- extract: ``find_claims`` on the normalized text;
- dedupe: ``Features.of`` (shingles, MinHash, bands, anchors, keyed sentences);
- cluster: ``profile`` (the event profile of title and lead);
- translate: the offline transliteration of the title and paragraphs.

Comparing pairs (dedupe's sketches, link's claims, cluster's SAME_STORY) is left out:
its cost depends on what is stored. So the sum is a lower bound of what an article
costs with every stage on, and ``1000 / sum`` the most articles a second one core could
process if reading and writing were free.

    .venv/bin/python bench/pure_compute.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import select  # noqa: E402
from throughput import PER_FILE, RESULTS, machine, say, write_corpus  # noqa: E402

from marsad.core import Article, ArticleRefused, RawInput  # noqa: E402
from marsad.core.application import Marsad  # noqa: E402
from marsad.core.db import make_engine  # noqa: E402
from marsad.core.plugins import make_plugins  # noqa: E402
from marsad.core.schema import upgrade  # noqa: E402
from marsad.core.settings import Settings  # noqa: E402
from marsad.plugins.cluster.event_similarity import profile  # noqa: E402
from marsad.plugins.dedupe import Features  # noqa: E402
from marsad.plugins.normalize import _normalize  # noqa: E402
from marsad.plugins.parse import parse_input  # noqa: E402
from marsad.plugins.translate import OfflineTranslator  # noqa: E402
from marsad.text.claims.finder import find_claims  # noqa: E402


def stored_inputs(folder: Path, articles: int) -> list[tuple[str, bytes, dict[str, Any]]]:
    """The corpus's first ``articles`` as stored inputs (media type, content, hints)."""
    url = f"sqlite:///{folder / 'inputs.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url)
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    try:
        app.ingest(write_corpus(folder / "inputs", articles, PER_FILE))
        with app.session_factory() as session:
            rows = session.execute(
                select(RawInput.media_type, RawInput.content, RawInput.hints).order_by(RawInput.id)
            )
            return [(media_type, content, hints) for media_type, content, hints in rows]
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        inputs = stored_inputs(Path(temporary), args.articles)
    say(f"{len(inputs)} stored inputs")
    spent: dict[str, float] = dict.fromkeys(
        ("parse", "normalize", "extract", "dedupe", "cluster", "translate"), 0.0
    )
    translator = OfflineTranslator()

    def timed(stage: str, function: Callable[..., Any], *arguments: Any) -> Any:
        started = time.process_time()
        result = function(*arguments)
        spent[stage] += time.process_time() - started
        return result

    processed = 0
    for media_type, content, hints in inputs:
        try:
            parsed = timed("parse", parse_input, media_type, content, hints)
        except ArticleRefused:
            continue  # refused inputs (an empty body) cost the stages nothing more
        stored = (parsed.paragraphs, parsed.columns.get("title"), parsed.columns.get("subtitle"))
        normalized = timed("normalize", _normalize, stored)
        text = "\n".join(normalized.paragraphs)
        article = Article(text=text, title=normalized.title)
        timed("extract", find_claims, text)
        timed("dedupe", Features.of, article)
        timed("cluster", profile, article.title, article.text)
        texts = [normalized.title or "", *normalized.paragraphs]
        timed("translate", translator.translate, texts, "ar", "en")
        processed += 1
    per_article = {stage: round(1000 * s / processed, 2) for stage, s in spent.items()}
    total = sum(per_article.values())
    print(f"\n{processed} articles, CPU ms per article, no database:")
    for stage, ms in sorted(per_article.items(), key=lambda item: -item[1]):
        print(f"  {stage:<10} {ms:6.2f}")
    print(f"  {'sum':<10} {total:6.2f}  -> at most {1000 / total:.0f} articles/s on one core")
    result = {
        "articles": processed,
        "ms_per_article": per_article,
        "sum_ms_per_article": round(total, 2),
        "most_articles_per_s_one_core": round(1000 / total, 1),
        "machine": machine(),
    }
    out = RESULTS / "pure_compute.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    say(f"saved {out}")


if __name__ == "__main__":
    main()
