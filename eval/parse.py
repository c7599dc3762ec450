"""``marsad eval parse``: parse and normalize the gold articles and score the result.

Scores titles (exact), subtitles and datelines (where the gold has them), publication
dates (to the gold's precision; a date the gold does not have counts as wrong),
outlets, and text that must stay out of the body (``not_body``).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from marsad.core import Article, InputError
from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        if ok:
            self.right += 1
        else:
            self.misses.append(miss)


@dataclass
class ParseReport:
    titles: Score = field(default_factory=Score)
    subtitles: Score = field(default_factory=Score)
    datelines: Score = field(default_factory=Score)
    dates: Score = field(default_factory=Score)
    outlets: Score = field(default_factory=Score)
    body_clean: Score = field(default_factory=Score)  # not_body strings kept out

    def rows(self) -> list[tuple[str, Score]]:
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]

    def perfect(self) -> bool:
        return all(score.right == score.total for _, score in self.rows())


def find_articles(gold_path: Path, names: list[str]) -> Path:
    """The folder holding the gold's articles: beside the gold's folder, or examples/."""
    for folder in (gold_path.parent.parent / "seeds", Path("examples") / "seeds"):
        if all((folder / name).is_file() for name in names):
            return folder
    raise InputError(gold_path, "cannot find its articles; pass --articles DIR")


def load_gold(gold_path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        articles: dict[str, Any] = gold["articles"]
    except FileNotFoundError:
        raise InputError(gold_path, "no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise InputError(gold_path, f"not a gold file ({type(error).__name__}: {error})") from None
    return articles


def evaluate_parse(gold_path: Path, articles_dir: Path | None = None) -> ParseReport:
    gold = load_gold(gold_path)
    folder = articles_dir or find_articles(gold_path, list(gold))
    with tempfile.TemporaryDirectory() as workdir:
        marsad = Marsad(Settings(database_url=f"sqlite:///{workdir}/eval.db"))
        try:
            upgrade(marsad.engine)
            return _score(marsad, gold, folder)
        finally:
            marsad.close()


def _score(marsad: Marsad, gold: dict[str, Any], folder: Path) -> ParseReport:
    ingested = marsad.ingest([folder / name for name in gold])
    if ingested.errors:
        raise ingested.errors[0]
    marsad.pipeline().run(ingested.article_ids, only={"parse", "normalize"})
    report = ParseReport()
    with marsad.session_factory() as session:
        for article in session.scalars(select(Article).order_by(Article.id)):
            name = Path(article.raw_input.source).name
            expected = gold[name]
            _compare(report, name, article, expected)
    return report


def _compare(report: ParseReport, name: str, article: Article, expected: dict[str, Any]) -> None:
    report.titles.add(article.title == expected["title"], f"{name}: title {article.title!r}")
    if expected.get("subtitle"):
        report.subtitles.add(
            article.subtitle == expected["subtitle"], f"{name}: subtitle {article.subtitle!r}"
        )
    if expected.get("dateline"):
        report.datelines.add(
            article.dateline == expected["dateline"], f"{name}: dateline {article.dateline!r}"
        )
    wanted = expected.get("published")
    found = article.published_at.isoformat() if article.published_at else None
    date_ok = found is None if wanted is None else bool(found and found.startswith(wanted))
    report.dates.add(date_ok, f"{name}: published {found!r}, gold {wanted!r}")
    if expected.get("outlet"):
        outlet = article.outlet.name if article.outlet else None
        report.outlets.add(outlet == expected["outlet"], f"{name}: outlet {outlet!r}")
    body = article.text or ""
    for text in expected.get("not_body", []):
        report.body_clean.add(text not in body, f"{name}: body contains {text!r}")


def report_json(report: ParseReport) -> str:
    return json.dumps(
        {name: asdict(score) for name, score in report.rows()}, ensure_ascii=False, indent=2
    )
