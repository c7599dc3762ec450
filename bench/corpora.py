"""Corpora of any size from SaudiNewsNet, as JSON Lines files `marsad ingest` reads.

The first articles are the real ones (every non-empty article of every day in
../shared/corpus/saudinewsnet, about 17,800): 2015-08-10 first (the SPA wire and the
papers that republish it, so dedupe, link and cluster have cross-article work from the
start, as in tests/test_kill_and_concurrency.py's ``write_inputs``), then the other
days from the newest back.

Past them, articles are generated with one seeded ``random.Random``, so a corpus of N
articles is always the first N of the same sequence. Each generated article takes a
real article as its template (its outlet, its number of paragraphs, its hour of
publication) and is made of real paragraphs of other articles, recombined:

- a paragraph drawn from the real ones has one word in four (from a random offset)
  replaced by a word of the real texts, so every word 5-gram (dedupe's shingle) of it
  is new, while three words in four stay as the journalist wrote them;
- wire copies still occur: a generated article is, with probability ``COPY``, a copy
  of a recent generated one by another outlet (a paragraph dropped, the title
  reworded), and any other paragraph is, with probability ``REUSED_PARAGRAPH``, a
  verbatim paragraph of a recent generated article (a copied passage);
- generated days follow 2015-08-10, ``PER_DAY`` articles a day (the real average).

Every generated text is unique (checked by hash; a repeat is drawn again).

    .venv/bin/python bench/corpora.py --articles 30000 --out /tmp/corpus [--per-file 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
SEED = 20150810
FIRST_DAY = "2015-08-10"
COPY = 0.05
REUSED_PARAGRAPH = 0.05
REPLACE_EVERY = 4  # < 5, so no word 5-gram of a drawn paragraph survives intact
RECENT = 300  # generated articles a copy may come from (about the same day's news)
PER_DAY = 1800
MIN_PARAGRAPH_WORDS = 8
VOCABULARY_PARAGRAPHS = 5000

Article = dict[str, str]


def corpus_days() -> list[Path]:
    """The SaudiNewsNet day files: ``FIRST_DAY`` first, then the others newest first."""
    days = sorted(CORPUS.glob("*.zip"), reverse=True)
    if not days:
        raise SystemExit(f"SaudiNewsNet corpus not found at {CORPUS}")
    return sorted(days, key=lambda path: path.stem != FIRST_DAY)


def real_articles() -> list[Article]:
    """Every SaudiNewsNet article with text, in corpus order, as ``marsad ingest``
    JSONL records (the fields ``write_inputs`` writes)."""
    found: list[Article] = []
    for path in corpus_days():
        with zipfile.ZipFile(path) as zipped:
            (member,) = zipped.namelist()
            items = json.loads(zipped.read(member))
        found += [
            {
                "title": str(item["title"]),
                "text": str(item["content"]),
                "url": str(item["url"]),
                "outlet": str(item["source"]),
                "published": str(item["date_extracted"]),
            }
            for item in items
            if str(item.get("content")).strip()
        ]
    return found


def paragraphs_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass
class Generator:
    """Generated articles after the real ones; see the module docstring."""

    real: list[Article]
    rng: random.Random

    def __post_init__(self) -> None:
        self.pool = [
            paragraph
            for article in self.real
            for paragraph in paragraphs_of(article["text"])
            if len(paragraph.split()) >= MIN_PARAGRAPH_WORDS
        ]
        # Words drawn as often as they occur in real text (a sample keeps memory small).
        sample = self.rng.sample(self.pool, min(VOCABULARY_PARAGRAPHS, len(self.pool)))
        self.vocabulary = [word for paragraph in sample for word in paragraph.split()]
        self.recent: deque[Article] = deque(maxlen=RECENT)
        self.seen: set[bytes] = set()
        self.count = 0
        self.start = datetime.fromisoformat(FIRST_DAY) + timedelta(days=1)

    def reword(self, text: str) -> str:
        """One word in ``REPLACE_EVERY`` replaced by a real word, from a random offset."""
        words = text.split()
        for index in range(self.rng.randrange(REPLACE_EVERY), len(words), REPLACE_EVERY):
            words[index] = self.rng.choice(self.vocabulary)
        return " ".join(words)

    def _paragraph(self) -> str:
        if self.recent and self.rng.random() < REUSED_PARAGRAPH:
            return self.rng.choice(paragraphs_of(self.rng.choice(self.recent)["text"]))
        return self.reword(self.rng.choice(self.pool))

    def _text(self, template: Article) -> tuple[str, str]:
        if self.recent and self.rng.random() < COPY:
            original = self.rng.choice(self.recent)
            paragraphs = paragraphs_of(original["text"])
            if len(paragraphs) > 2:  # republished with a paragraph cut
                paragraphs.pop(self.rng.randrange(len(paragraphs)))
            return self.reword(original["title"]), "\n".join(paragraphs)
        count = max(1, len(paragraphs_of(template["text"])))
        title = self.reword(self.rng.choice(self.real)["title"])
        return title, "\n".join(self._paragraph() for _ in range(count))

    def next(self) -> Article:
        template = self.rng.choice(self.real)
        while True:
            title, text = self._text(template)
            digest = hashlib.sha256(text.encode()).digest()
            if digest not in self.seen:
                break
        self.seen.add(digest)
        hour = template["published"][10:]  # " HH:MM:SS" of the template
        day = (self.start + timedelta(days=self.count // PER_DAY)).date().isoformat()
        article = {
            "title": title,
            "text": text,
            "url": f"{template['url']}?marsad-bench={self.count}",
            "outlet": template["outlet"],
            "published": day + hour,
        }
        self.count += 1
        self.recent.append(article)
        return article


def articles(seed: int = SEED) -> Iterator[Article]:
    """The real articles, then generated ones without end."""
    real = real_articles()
    yield from real
    generator = Generator(real, random.Random(seed))
    while True:
        yield generator.next()


def write_corpus(folder: Path, count: int, per_file: int = 1000, seed: int = SEED) -> list[Path]:
    """The first ``count`` articles in JSONL files of ``per_file`` articles each
    (``part-00000.jsonl`` ...), so file k holds articles k*per_file onwards."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    stream = articles(seed)
    for start in range(0, count, per_file):
        path = folder / f"part-{start // per_file:05d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for _ in range(min(per_file, count - start)):
                handle.write(json.dumps(next(stream), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True, help="folder for the JSONL files")
    parser.add_argument("--per-file", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.articles, args.per_file, args.seed)
    real = min(args.articles, len(real_articles()))
    print(
        f"wrote {args.articles:,} articles ({real:,} real, {args.articles - real:,} generated) "
        f"in {len(paths)} files under {args.out}"
    )


if __name__ == "__main__":
    main()
