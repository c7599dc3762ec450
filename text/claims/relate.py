"""The relation between two short texts, with the pipeline's own rules.

``relate(a, b)`` extracts from each text what the ``extract`` stage does
(:func:`marsad.text.claims.finder.find_claims`: counted facts, attributed
statements), compares claims on the same slot with
:func:`marsad.text.claims.compare.compare` exactly as the ``link`` stage does, and, when
no pair of claims shares a slot, compares the two texts as event sentences
(:func:`marsad.text.claims.compare.compare_sentences`). Among claim pairs a
contradiction wins, then the best corroboration; else the texts are unrelated.
That is :func:`rule_relation`. :func:`relate` gives the rules' answer and the texts to
the stance model (:mod:`marsad.text.claims.stance`), which decides the relation; the
rules' evidence stays the evidence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from marsad.core import ClaimKind, ClaimLinkKind
from marsad.text.claims.compare import (
    ClaimView,
    Relation,
    compare,
    compare_sentences,
    different_cities,
)
from marsad.text.claims.finder import find_claims
from marsad.text.claims.stance import classify

DIFFERENT_CITIES: dict[str, Any] = {"rule": "different cities"}
RELATIONS = {
    ClaimLinkKind.CONTRADICTS: "contradicts",
    ClaimLinkKind.CORROBORATES: "corroborates",
    ClaimLinkKind.SAME_QUOTE: "corroborates",
}


def claims_of(text: str, side: int) -> list[tuple[str, ClaimView]]:
    """(slot, claim) for every claim of a short text, as the extract stage finds them."""
    found: list[tuple[str, ClaimView]] = []
    for number, draft in enumerate(find_claims(text).claims, start=side * 1000 + 1):
        speaker = draft.speaker
        found.append(
            (
                draft.slot,
                ClaimView(
                    id=number,
                    article_id=side,
                    kind=draft.kind,
                    text=draft.text,
                    start=draft.start,
                    end=draft.end,
                    sentence=draft.sentence,
                    # Statements compare only under one speaker entity, as in the link stage.
                    speaker_id=hash(speaker.key) & 0x7FFFFFFF if speaker else None,
                    speaker_text=draft.speaker_text,
                    cited_source=draft.cited_source,
                    direct=draft.direct,
                    value=draft.value,
                    unit=draft.unit,
                    qualifier=draft.qualifier,
                    negated=draft.negated,
                    sentence_start=draft.sentence_start,
                    quantity_kind=draft.quantity_kind,
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
        same = replace(claim, id=0, start=0, end=0, sentence_start=None)
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
    if rules["evidence"].get("rule") == DIFFERENT_CITIES["rule"]:
        # Two places are two events, whatever the words share: the model learned from
        # headline pairs about one event and has no say here.
        return {**rules, "because": ["rule=different cities"], "rule_relation": "unrelated"}
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
    apart = different_cities(a, b)
    if apart is not None:
        return {
            "relation": "unrelated",
            "score": 0.0,
            "evidence": DIFFERENT_CITIES | {"cities": apart},
        }
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
