"""``marsad eval claims``: the extractor and linker against a hand-made gold file.

Every gold item is located by its ``evidence`` string, never by offsets or counts: a
claim stands for an item when one text contains the other (tatweel and spacing
aside), so the scores survive changes to parsing and normalisation. Names are
compared on match keys without quote marks, one containing the other word by word.

Categories and what precision and recall mean for each:

* quote groups - recall: pairs of a group's articles linked SAME_QUOTE or
  CORROBORATES; precision: such links between two gold quotes that join the same
  group (the gold does not list every quote, so other links cannot be judged).
* single-source quotes - recall: items whose statement has the right speaker;
  precision: among the items that were found as statements.
* quantities - recall: items with a claim of the right value, noun and qualifier;
  precision: quantity claims on a gold evidence that are right.
* contradictions - recall: gold pairs linked CONTRADICTS; precision: CONTRADICTS
  links whose two claims lie in one gold contradiction slot (its pairs, and the
  quantities of the gold marked with that slot). A claim that restates one of those
  in the same sentence, on the same slot with the same source and negation ("نفت
  الخلية وقوع جرحى ... من دون وقوع إصابات"), is that item again: the gold gives one
  evidence per fact and sentence.
* compatible pairs - recall: gold compatible pairs not linked CONTRADICTS.
* citations - per article, the distinct cited sources against the gold's list.
* entity aliases - gold aliases stored on the entity of the gold's canonical name;
  precision: that entity's aliases which the gold lists.

This is the seeds' format (``tests/data/seeds.json``). The SaudiNewsNet format of
``claims_dev.json`` and ``claims_holdout.json`` is scored without a database, by
:mod:`marsad.eval.claims_dev`.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimLink,
    ClaimLinkKind,
    Entity,
    EntityAlias,
    InputError,
    Qualifier,
    RawInput,
)
from marsad.text.arabic import TATWEEL, match_key

AGREEING = (ClaimLinkKind.SAME_QUOTE, ClaimLinkKind.CORROBORATES)

QUOTE_MARKS = '"“”«»„'


@dataclass
class Score:
    category: str
    expected: int = 0  # gold items
    found: int = 0  # gold items recovered
    predicted: int = 0  # system items judged
    correct: int = 0  # system items that are right
    misses: list[Any] = field(default_factory=list)  # gold items not found (or wrong)
    false_finds: list[Any] = field(default_factory=list)  # system items judged wrong

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "expected": self.expected,
            "found": self.found,
            "predicted": self.predicted,
            "correct": self.correct,
            "precision": self.precision,
            "recall": self.recall,
            "misses": self.misses,
            "false_finds": self.false_finds,
        }


@dataclass
class ClaimsReport:
    scores: list[Score]
    breakdowns: list[Score] = field(default_factory=list)  # the scores by category
    seconds: float | None = None  # how long the report took

    def __getitem__(self, category: str) -> Score:
        return next(s for s in self.scores + self.breakdowns if s.category == category)

    def as_dict(self) -> dict[str, Any]:
        report: dict[str, Any] = {"scores": [score.as_dict() for score in self.scores]}
        if self.breakdowns:
            report["breakdowns"] = [score.as_dict() for score in self.breakdowns]
        if self.seconds is not None:
            report["seconds"] = round(self.seconds, 2)
        return report


def _clean(text: str) -> str:
    return " ".join(text.replace(TATWEEL, "").split())


def _name_key(text: str) -> tuple[str, ...]:
    for mark in QUOTE_MARKS:
        text = text.replace(mark, " ")
    return tuple(match_key(text).split())


def _stands_for(claim: str, evidence: str) -> bool:
    """One contains the other, or they share a run of at least half the shorter's words
    ("ووافق بايدن على البقاء..." and the content after the verb)."""
    if claim in evidence or evidence in claim:
        return True
    x, y = match_key(claim).split(), match_key(evidence).split()
    need = max(3, min(len(x), len(y)) // 2)
    runs = {tuple(x[i : i + need]) for i in range(len(x) - need + 1)}
    return any(tuple(y[i : i + need]) in runs for i in range(len(y) - need + 1))


def same_name(a: str, b: str, name_words: Callable[[str], tuple[str, ...]] = _name_key) -> bool:
    """One name's words run inside the other's ("مصطفى الكاظمي" / "الكاظمي")."""
    x, y = name_words(a), name_words(b)
    if not x or not y:
        return False
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


class Seeds:
    """The database as the gold sees it: articles by file name, claims by evidence."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, int] = {}
        for article_id, source in session.execute(
            select(Article.id, RawInput.source).join(RawInput, Article.raw_input_id == RawInput.id)
        ):
            self.by_name[source.replace("\\", "/").rsplit("/", 1)[-1]] = article_id
        ids = list(self.by_name.values())
        self.claims = list(
            session.scalars(select(Claim).where(Claim.article_id.in_(ids)).order_by(Claim.id))
        )
        self.claim_ids = {claim.id for claim in self.claims}
        self.links = [
            link
            for link in session.scalars(select(ClaimLink).order_by(ClaimLink.id))
            if link.source_id in self.claim_ids and link.target_id in self.claim_ids
        ]
        self.entities = {e.id: e for e in session.scalars(select(Entity))}
        self.aliases: dict[int, list[str]] = defaultdict(list)
        for alias in session.scalars(select(EntityAlias).order_by(EntityAlias.id)):
            self.aliases[alias.entity_id].append(alias.alias)

    def at(self, item: dict[str, Any], kind: ClaimKind | None = None) -> list[Claim]:
        article_id = self.by_name.get(item["article"])
        evidence = _clean(item["evidence"])
        return [
            claim
            for claim in self.claims
            if claim.article_id == article_id
            and (kind is None or claim.kind is kind)
            and _stands_for(_clean(claim.text), evidence)
        ]

    def linked(self, a: Iterable[Claim], b: Iterable[Claim]) -> set[ClaimLinkKind]:
        ids_a, ids_b = {c.id for c in a}, {c.id for c in b}
        return {
            link.kind
            for link in self.links
            if (link.source_id in ids_a and link.target_id in ids_b)
            or (link.source_id in ids_b and link.target_id in ids_a)
        }

    def speaker_names(self, claim: Claim) -> list[str]:
        names = [claim.speaker_text or ""]
        entity = self.entities.get(claim.speaker_id or -1)
        if entity is not None:
            names += [entity.name, *self.aliases[entity.id]]
        return [name for name in names if name]


def evaluate(session: Session, gold: dict[str, Any]) -> ClaimsReport:
    seeds = Seeds(session)
    return ClaimsReport(
        [
            _quote_groups(seeds, gold.get("quote_groups", [])),
            _single_quotes(seeds, gold.get("single_source_quotes", [])),
            _quantities(seeds, gold.get("quantities", [])),
            *_contradictions(seeds, gold.get("contradictions", []), gold.get("quantities", [])),
            _citations(seeds, gold.get("citations", {})),
            _aliases(seeds, gold.get("entities", [])),
        ]
    )


def _quote_groups(seeds: Seeds, groups: list[dict[str, Any]]) -> Score:
    score = Score("quote groups")
    members: dict[int, set[str]] = defaultdict(set)  # claim id -> groups it stands for
    for group in groups:
        items = {
            name: seeds.at({"article": name, "evidence": text}, ClaimKind.STATEMENT)
            for name, text in group["evidence"].items()
        }
        for claims in items.values():
            for claim in claims:
                members[claim.id].add(group["id"])
        for a, b in combinations(sorted(items), 2):
            score.expected += 1
            if seeds.linked(items[a], items[b]) & set(AGREEING):
                score.found += 1
            else:
                score.misses.append(f"{group['id']}: {a[:3]} - {b[:3]}")
    # The gold lists some quotes of each speaker, not all: only links between two gold
    # quotes can be judged.
    for link in seeds.links:
        if link.kind not in AGREEING:
            continue
        ends = members.get(link.source_id, set()), members.get(link.target_id, set())
        if ends[0] and ends[1]:
            score.predicted += 1
            score.correct += bool(ends[0] & ends[1])
    return score


def _single_quotes(seeds: Seeds, items: list[dict[str, Any]]) -> Score:
    score = Score("single-source quotes", expected=len(items))
    for item in items:
        claims = seeds.at(item, ClaimKind.STATEMENT)
        if not claims:
            score.misses.append(f"not found: {item['evidence'][:40]}")
            continue
        score.predicted += 1
        right = any(
            same_name(name, item["speaker"]) for c in claims for name in seeds.speaker_names(c)
        )
        score.correct += right
        score.found += right
        if not right:
            score.misses.append(f"speaker of {item['evidence'][:40]}")
    return score


def _quantity_right(claim: Claim, item: dict[str, Any]) -> bool:
    return (
        claim.quantity_value == item["value"]
        and claim.quantity_unit == item["unit"]
        and claim.qualifier is Qualifier(item["qualifier"])
    )


def _quantities(seeds: Seeds, items: list[dict[str, Any]]) -> Score:
    score = Score("quantities", expected=len(items))
    judged: dict[int, bool] = {}
    for item in items:
        claims = seeds.at(item, ClaimKind.QUANTITY)
        right = [c for c in claims if _quantity_right(c, item)]
        for claim in claims:
            judged[claim.id] = judged.get(claim.id, False) or claim in right
        if right:
            score.found += 1
        else:
            score.misses.append(f"{item['article'][:3]} {item['evidence']}")
    score.predicted, score.correct = len(judged), sum(judged.values())
    return score


def _contradictions(
    seeds: Seeds, slots: list[dict[str, Any]], quantities: list[dict[str, Any]]
) -> list[Score]:
    found = Score("contradictions")
    compatible = Score("compatible pairs")
    slot_of: dict[int, set[str]] = defaultdict(set)
    for slot in slots:
        sides = [side for pair in slot["pairs"] + slot.get("compatible", []) for side in pair]
        sides += [q for q in quantities if q.get("slot") == slot["slot"]]
        for side in sides:
            for claim in seeds.at(side):
                slot_of[claim.id].add(slot["slot"])
        for a, b in slot["pairs"]:
            found.expected += 1
            if ClaimLinkKind.CONTRADICTS in seeds.linked(seeds.at(a), seeds.at(b)):
                found.found += 1
            else:
                found.misses.append(f"{slot['slot']}: {a['evidence']} / {b['evidence']}")
        for a, b in slot.get("compatible", []):
            compatible.expected += 1
            kinds = seeds.linked(seeds.at(a), seeds.at(b))
            if ClaimLinkKind.CONTRADICTS not in kinds:
                compatible.found += 1
            else:
                compatible.misses.append(f"flagged: {a['evidence']} / {b['evidence']}")
            compatible.predicted += 1
            compatible.correct += ClaimLinkKind.CONTRADICTS not in kinds
    restated: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for claim in seeds.claims:
        restated[_restatement(claim)] |= slot_of.get(claim.id, set())
    for claim in seeds.claims:
        slot_of[claim.id] |= restated[_restatement(claim)]
    for link in seeds.links:
        if link.kind is ClaimLinkKind.CONTRADICTS:
            found.predicted += 1
            shared = slot_of.get(link.source_id, set()) & slot_of.get(link.target_id, set())
            found.correct += bool(shared)
            if not shared:
                found.misses.append(f"extra: claims {link.source_id} / {link.target_id}")
    return [found, compatible]


def _restatement(claim: Claim) -> tuple[object, ...]:
    """What a claim says and where: claims equal on it state one fact once more."""
    sentence = (claim.extra or {}).get("sentence_start")
    return (claim.article_id, sentence, claim.slot_key, claim.negated, claim.cited_source)


def _citations(seeds: Seeds, gold: dict[str, Any]) -> Score:
    score = Score("citations")
    for name, expected in gold.items():
        if name == "about" or name not in seeds.by_name:
            continue
        sources = set(
            seeds.session.scalars(
                select(Citation.source).where(Citation.article_id == seeds.by_name[name])
            )
        )
        score.expected += len(expected)
        for source in expected:
            if any(same_name(source, s) for s in sources):
                score.found += 1
            else:
                score.misses.append(f"{name[:3]} missing {source}")
        score.predicted += len(sources)
        for source in sorted(sources):
            if any(same_name(source, g) for g in expected):
                score.correct += 1
            else:
                score.misses.append(f"{name[:3]} extra {source}")
    return score


def _aliases(seeds: Seeds, entities: list[dict[str, Any]]) -> Score:
    score = Score("entity aliases")
    for item in entities:
        wanted = {_name_key(alias) for alias in item["aliases"]}
        score.expected += len(wanted)
        key = _name_key(item["canonical"])
        entity = next(
            (
                e
                for e in seeds.entities.values()
                if key in {_name_key(e.name), *(_name_key(a) for a in seeds.aliases[e.id])}
            ),
            None,
        )
        if entity is None:
            score.misses.append(f"no entity {item['canonical']}")
            continue
        stored = {_name_key(alias) for alias in seeds.aliases[entity.id]} | {_name_key(entity.name)}
        score.found += len(wanted & stored)
        score.predicted += len(stored)
        score.correct += len(stored & wanted)
        for alias in sorted(" ".join(a) for a in wanted - stored):
            score.misses.append(f"{item['canonical']} missing {alias}")
    return score


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "gold file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(path, f"cannot read the gold file ({error})") from None
    if not isinstance(gold, dict) or not isinstance(gold.get("articles"), dict | list):
        raise InputError(
            path,
            "not a gold file (no 'articles': an object as in seeds.json, a list as in "
            "claims_dev.json)",
        )
    return gold


def articles_folder(gold_path: Path, gold: dict[str, Any], given: Path | None) -> Path:
    """Where the gold's articles are: ``given``, else beside the gold, else the examples."""
    names = set(gold["articles"])
    candidates = [given] if given else [gold_path.parent.parent / "seeds", Path("examples/seeds")]
    for folder in candidates:
        if folder is not None and folder.is_dir() and names <= {p.name for p in folder.iterdir()}:
            return folder
    tried = ", ".join(str(folder) for folder in candidates if folder is not None)
    raise InputError(gold_path, f"the gold's articles are not in {tried} (use --articles)")


def run(
    gold_path: Path, *, articles: Path | None = None, database: str | None = None
) -> ClaimsReport:
    """Score the claims against a gold file.

    The seeds' format (``articles`` an object of file names): ingest the articles into
    a database (a temporary SQLite by default), run the pipeline, score the result.
    The SaudiNewsNet format of ``claims_dev.json`` (``articles`` a list): read each
    article from its zip and run the claim finder alone, without a database
    (:mod:`marsad.eval.claims_dev`).
    """
    from marsad.core.application import Marsad
    from marsad.core.schema import upgrade
    from marsad.core.settings import Settings
    from marsad.eval.claims_dev import run_dev

    gold = load_gold(gold_path)
    if isinstance(gold["articles"], list):
        if database is not None:
            raise InputError(gold_path, "this gold runs without a database: drop --database")
        return run_dev(gold_path, gold, articles)
    folder = articles_folder(gold_path, gold, articles)
    files = [folder / name for name in sorted(gold["articles"])]
    with tempfile.TemporaryDirectory() as scratch:
        url = database or f"sqlite:///{Path(scratch) / 'eval.db'}"
        marsad = Marsad(Settings(database_url=url))
        try:
            upgrade(marsad.engine)
            report = marsad.ingest(files)
            if report.errors:
                raise InputError(folder, str(report.errors[0]))
            with marsad.session_factory() as session:
                stored = set(Seeds(session).by_name.values())
            marsad.pipeline().run(sorted(stored))
            with marsad.session_factory() as session:
                return evaluate(session, gold)
        finally:
            marsad.close()
