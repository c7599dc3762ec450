"""The relation between two short texts, with the pipeline's own rules.

``relate(a, b)`` extracts from each text what the ``extract`` stage would (counted
facts, attributed statements), compares claims on the same slot with
:func:`marsad.plugins.compare.compare` exactly as the ``link`` stage does, and, when
no pair of claims shares a slot, compares the two texts as event sentences
(:func:`marsad.plugins.compare.compare_sentences`). Among claim pairs a
contradiction wins, then the best corroboration; else the texts are unrelated.
That is :func:`rule_relation`. :func:`relate` gives the rules' answer and the texts to
the stance model (:mod:`marsad.plugins.stance`), which decides the relation; the
rules' evidence stays the evidence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from marsad.core import ClaimKind, ClaimLinkKind
from marsad.plugins.compare import ClaimView, Relation, compare, compare_sentences
from marsad.plugins.extract import unit_slot
from marsad.plugins.numbers import find_quantities
from marsad.plugins.stance import classify
from marsad.plugins.statements import StatementFinder
from marsad.plugins.tokens import lines

RELATIONS = {
    ClaimLinkKind.CONTRADICTS: "contradicts",
    ClaimLinkKind.CORROBORATES: "corroborates",
    ClaimLinkKind.SAME_QUOTE: "corroborates",
}


def claims_of(text: str, side: int) -> list[tuple[str, ClaimView]]:
    """(slot, claim) for every counted fact and statement of a short text."""
    found: list[tuple[str, ClaimView]] = []
    finder = StatementFinder(set())
    next_id = side * 1000
    for line in lines(text):
        for quantity in find_quantities(line):
            start, end = line.span(quantity.first, quantity.last)
            next_id += 1
            found.append(
                (
                    unit_slot(quantity.unit),
                    ClaimView(
                        id=next_id,
                        article_id=side,
                        kind=ClaimKind.QUANTITY if quantity.value is not None else ClaimKind.EVENT,
                        text=text[start:end],
                        start=start,
                        end=end,
                        sentence=line.text,
                        value=quantity.value,
                        unit=quantity.unit,
                        qualifier=quantity.qualifier,
                        negated=quantity.negated,
                    ),
                )
            )
        for match in finder.find(line):
            if match.speaker is None:
                continue
            start, end = line.span(match.first, match.last)
            speaker = " ".join(match.speaker.name or match.speaker.words)
            next_id += 1
            found.append(
                (
                    "speaker:" + speaker,
                    ClaimView(
                        id=next_id,
                        article_id=side,
                        kind=ClaimKind.STATEMENT,
                        text=text[start:end],
                        start=start,
                        end=end,
                        sentence=line.text,
                        speaker_id=hash(speaker) & 0x7FFFFFFF,
                        speaker_text=speaker,
                        direct=match.direct,
                    ),
                )
            )
    return found


MAX_PER_SLOT = 200  # distinct claims of one text on one slot that are compared


def distinct(found: list[tuple[str, ClaimView]]) -> list[tuple[str, ClaimView]]:
    """Each distinct claim once (the first), at most ``MAX_PER_SLOT`` per slot, in order.

    A text that repeats one sentence would otherwise cost the square of its length;
    the same words in another place compare the same way.
    """
    seen: dict[str, set[ClaimView]] = {}
    kept = []
    for slot, claim in found:
        same = replace(claim, id=0, start=0, end=0)
        claims = seen.setdefault(slot, set())
        if same not in claims and len(claims) < MAX_PER_SLOT:
            claims.add(same)
            kept.append((slot, claim))
    return kept


def relate(a: str, b: str) -> dict[str, Any]:
    """``{"relation", "score", "evidence", "because", "rule_relation"}``.

    The rules (:func:`rule_relation`) find the evidence; the stance model weighs their
    findings with the texts' shared and one-sided words and decides the relation
    (corroborates | contradicts | unrelated). ``because`` names the features that
    decided; ``rule_relation`` is what the rules alone would say.
    """
    rules = rule_relation(a, b)
    decided = classify(a, b, rules)
    return {
        "relation": decided["relation"],
        "score": decided["score"],
        "evidence": rules["evidence"],
        "because": decided["because"],
        "rule_relation": rules["relation"],
    }


def rule_relation(a: str, b: str) -> dict[str, Any]:
    """The rules alone: ``{"relation", "score", "evidence"}``."""
    best: tuple[Relation, dict[str, Any]] | None = None
    on_slot: dict[str, list[ClaimView]] = {}
    for slot_b, claim_b in distinct(claims_of(b, 2)):
        on_slot.setdefault(slot_b, []).append(claim_b)
    for slot_a, claim_a in distinct(claims_of(a, 1)):
        for claim_b in on_slot.get(slot_a, []):
            relation = compare(claim_a, claim_b)
            if relation is None:
                continue
            evidence: dict[str, Any] = {
                "a": claim_a.span(),
                "b": claim_b.span(),
                "slot_key": slot_a,
            }
            evidence.update(_values(claim_a, "a"), **_values(claim_b, "b"))
            if best is None or _rank(relation) > _rank(best[0]):
                best = relation, evidence
    if best is None:
        # Claims on a shared slot say more than the sentences' words: "ثلاثة صواريخ على
        # الأقل" / "أربعة صواريخ" agree although one word is swapped for another.
        sentence = compare_sentences(a, b)
        if sentence is not None:
            best = sentence, {"a": {"text": a}, "b": {"text": b}}
    if best is None:
        return {"relation": "unrelated", "score": 0.0, "evidence": {}}
    relation, evidence = best
    return {
        "relation": RELATIONS[relation.kind],
        "score": relation.score,
        "evidence": {**evidence, **relation.details},
    }


def _rank(relation: Relation) -> tuple[int, float]:
    return (relation.kind is ClaimLinkKind.CONTRADICTS, relation.score)


def _values(claim: ClaimView, side: str) -> dict[str, object]:
    if claim.kind is ClaimKind.STATEMENT:
        return {f"{side}_speaker": claim.speaker_text}
    return {
        f"{side}_value": claim.value,
        f"{side}_unit": claim.unit,
        f"{side}_qualifier": claim.qualifier.value if claim.qualifier else None,
        f"{side}_negated": claim.negated,
    }
