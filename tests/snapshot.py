"""Everything a run stored, by natural keys: to prove two runs gave the same results.

Ids differ between databases, executors and batch sizes, so every row is written with
its references replaced by natural keys: an article by its input's fingerprint, a
claim by (article, kind, start, end), an entity by (type, key), a story by its
members. Times of the run (``finished_at``, durations) and stage notes are left out.
:func:`comparable` also replaces the ids left inside values (link evidence, claim
translations), which follow the order batches ran in.

    python tests/snapshot.py sqlite:///marsad.db out.json
    python tests/snapshot.py --compare a.json b.json   # prints the first differences
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select

from marsad.core.db import make_engine, make_session_factory
from marsad.core.models import (
    Article,
    ArticleLink,
    Base,
    Citation,
    Claim,
    ClaimLink,
    Entity,
    EntityAlias,
    EntityMention,
    MinHashSignature,
    Outlet,
    Paragraph,
    RawInput,
    Sentence,
    StageRun,
    Story,
    StoryChange,
    TextKey,
    Translation,
)

# Columns that say when or how fast, not what.
VOLATILE = {"id", "finished_at", "duration_ms", "ingested_at", "created_at", "note"}
SYMMETRIC = {"same_story", "same_quote", "corroborates", "contradicts"}


def _plain(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value  # enums
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(session: Any, model: type[Base], key: dict[str, Callable[[Any], Any]]) -> list[Any]:
    columns = [c.key for c in inspect(model).column_attrs if c.key not in VOLATILE]
    rows = []
    for row in session.scalars(select(model)):
        rows.append(
            {
                name: key[name](getattr(row, name)) if name in key else _plain(getattr(row, name))
                for name in columns
            }
        )
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))


def snapshot(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            sha = dict(session.execute(select(RawInput.id, RawInput.sha256)).all())
            article_input = dict(session.execute(select(Article.id, Article.raw_input_id)).all())
            article = {aid: sha[rid] for aid, rid in article_input.items()}
            outlet = dict(session.execute(select(Outlet.id, Outlet.name)).all())
            entity = {
                e.id: f"{e.type.value if hasattr(e.type, 'value') else e.type}:{e.key}"
                for e in session.scalars(select(Entity))
            }
            claim = {
                c.id: f"{article[c.article_id]}:{c.kind.value}:{c.start}:{c.end}"
                for c in session.scalars(select(Claim))
            }
            members: dict[int, list[str]] = {}
            for aid, story_id in session.execute(select(Article.id, Article.story_id)):
                if story_id is not None:
                    members.setdefault(story_id, []).append(article[aid])
            story = {sid: sorted(m) for sid, m in members.items()}

            def ref(table: dict[int, Any]) -> Callable[[Any], Any]:
                return lambda value: None if value is None else table.get(value, f"?{value}")

            by_article = {"article_id": ref(article)}
            tables: dict[str, Any] = {
                "raw_inputs": _rows(session, RawInput, {"content": lambda c: len(c)}),
                "outlets": sorted(outlet.values()),
                "articles": _rows(
                    session,
                    Article,
                    {
                        "raw_input_id": ref(sha),
                        "outlet_id": ref(outlet),
                        "story_id": ref(story),
                    },
                ),
                "stories": _rows(session, Story, {}),
                "paragraphs": _rows(session, Paragraph, by_article),
                "sentences": _rows(session, Sentence, by_article),
                "entities": _rows(session, Entity, {}),
                "entity_aliases": _rows(session, EntityAlias, {"entity_id": ref(entity)}),
                "entity_mentions": _rows(
                    session, EntityMention, {**by_article, "entity_id": ref(entity)}
                ),
                "claims": _rows(session, Claim, {**by_article, "speaker_id": ref(entity)}),
                "citations": _rows(
                    session,
                    Citation,
                    {**by_article, "claim_id": ref(claim), "speaker_id": ref(entity)},
                ),
                "article_links": _rows(
                    session, ArticleLink, {"source_id": ref(article), "target_id": ref(article)}
                ),
                "claim_links": _rows(
                    session, ClaimLink, {"source_id": ref(claim), "target_id": ref(claim)}
                ),
                "text_keys": len(session.scalars(select(TextKey.value)).all()),
                "story_changes": _rows(session, StoryChange, by_article),
                "minhash_signatures": _rows(session, MinHashSignature, by_article),
                "translations": _rows(session, Translation, by_article),
                "stage_runs": _rows(session, StageRun, {**by_article, "attempts": lambda a: a}),
            }
    finally:
        engine.dispose()
    for name in ("article_links", "claim_links"):  # undirected kinds: sides sorted
        for row in tables[name]:
            if row["kind"] in SYMMETRIC:
                row["source_id"], row["target_id"] = sorted((row["source_id"], row["target_id"]))
        tables[name].sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return tables


def comparable(url: str) -> dict[str, Any]:
    """``snapshot(url)`` with the ids it leaves inside values replaced by natural keys:
    claim and article ids in link evidence, a claim's id as its translation's position.
    Ids follow the order batches ran in, which executors do not keep."""
    tables = snapshot(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Article.id, RawInput.sha256).join(RawInput))
        article = {article_id: sha for article_id, sha in rows}
        claim = {
            c.id: f"{article[c.article_id]}:{c.kind.value}:{c.start}:{c.end}"
            for c in session.scalars(select(Claim))
        }
    engine.dispose()

    def keyed(value: Any) -> Any:
        if isinstance(value, dict):
            table = {"claim_id": claim, "article_id": article}
            return {k: table[k].get(v, v) if k in table else keyed(v) for k, v in value.items()}
        return [keyed(v) for v in value] if isinstance(value, list) else value

    def encode(row: Any) -> str:
        return json.dumps(row, sort_keys=True, ensure_ascii=False)

    for name in ("article_links", "claim_links"):
        tables[name] = sorted(
            (
                {**r, "evidence": sides_sorted(r["kind"], keyed(r["evidence"]))}
                for r in tables[name]
            ),
            key=encode,
        )
    for row in tables["translations"]:
        if row["field"] == "claim":
            row["position"] = claim.get(row["position"], row["position"])
    tables["translations"].sort(key=encode)
    tables["entities"].sort(key=encode)
    return tables


def sides_sorted(kind: str, evidence: Any) -> Any:
    """A link without a direction is stored with the later-stored side as source, and
    snapshot sorts its ids: its evidence's sides are sorted the same way here."""
    if kind not in SYMMETRIC or not isinstance(evidence, dict):
        return evidence
    source, target = evidence.get("source"), evidence.get("target")
    if not isinstance(source, dict) or not isinstance(target, dict):
        return evidence
    if str(source.get("claim_id")) <= str(target.get("claim_id")):
        return evidence
    swapped = {**evidence, "source": target, "target": source}
    if isinstance(evidence.get("intervals"), list):
        swapped["intervals"] = evidence["intervals"][::-1]
    if evidence.get("negated") in ("a", "b"):
        swapped["negated"] = "b" if evidence["negated"] == "a" else "a"
    return swapped


def differences(a: dict[str, Any], b: dict[str, Any], limit: int = 5) -> list[str]:
    """The first differing rows of each table, as readable lines."""
    found = []
    for table in sorted(set(a) | set(b)):
        left, right = a.get(table), b.get(table)
        if left == right:
            continue
        if not isinstance(left, list) or not isinstance(right, list):
            found.append(f"{table}: {left!r} != {right!r}")
            continue
        encode = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False)  # noqa: E731
        only_left = sorted(set(map(encode, left)) - set(map(encode, right)))
        only_right = sorted(set(map(encode, right)) - set(map(encode, left)))
        found.append(f"{table}: {len(left)} rows vs {len(right)}")
        found += [f"  - {row[:400]}" for row in only_left[:limit]]
        found += [f"  + {row[:400]}" for row in only_right[:limit]]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", help="database URL, or a snapshot file with --compare")
    parser.add_argument("second", help="the snapshot file to write, or to compare with")
    parser.add_argument("--compare", action="store_true", help="compare two snapshot files")
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (args.first, args.second))
        lines = differences(a, b)
        print("\n".join(lines) if lines else "same")
        sys.exit(1 if lines else 0)
    data = comparable(args.first)
    Path(args.second).write_text(json.dumps(data, ensure_ascii=False, default=str), "utf-8")
    print({table: (len(v) if isinstance(v, list) else v) for table, v in data.items()})


if __name__ == "__main__":
    main()
