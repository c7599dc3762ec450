"""The score: what in a claim makes it worth checking, each cue with its weight.

A fact-checker's first questions of a claim: does it state a figure, does someone
named say it, does it compare or rank, does it deny? Each cue found adds its weight,
combined as independent evidence (``1 - (1 - a)(1 - b)...``), so the score stays
within 0 and 1 and every reason is shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEIGHTS = {
    "figure": 0.35,
    "named speaker": 0.25,
    "superlative": 0.25,
    "comparison": 0.2,
    "negation": 0.15,
}

# Elatives (the Arabic أفعل form) that news uses to compare and to rank, folded as
# ``fold`` folds them. Left out: those spelled like common verbs of news (أحدث "caused",
# أقدم "undertook", أسرع "hurried", أبعد "expelled").
ELATIVES = frozenset(
    {
        *("اكثر", "اقل", "اكبر", "اصغر", "اعلي", "ادني", "اطول", "اقصر", "افضل", "اسوا"),
        *("اشد", "اخطر", "اهم", "اعظم", "اوسع", "اضخم", "اقوي", "اضعف", "اغلي", "ارخص"),
        *("اقرب", "اعنف", "ادق"),
    }
)
ENGLISH_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller)\s+than\b", re.I
)
ENGLISH_SUPERLATIVE = re.compile(
    r"\b(?:most|least|largest|highest|lowest|biggest|worst|best)\b", re.I
)
NUMBER = re.compile(r"^[0-9٠-٩]")
# "At least", "at most": a figure's qualifier, not a ranking.
QUALIFYING = frozenset({"علي", "في"})
WORD = re.compile(r"[\w\u0600-\u06ff]+")
DIACRITICS = re.compile(r"[\u0640\u064b-\u065f\u0670]")


def fold(word: str) -> str:
    """Alef and hamza forms, alef maqsura and diacritics folded: أعلى and اعلي meet."""
    word = DIACRITICS.sub("", word)
    return word.translate(str.maketrans("أإآٱىؤئ", "اااايوي"))


@dataclass(frozen=True)
class ClaimFacts:
    """What the score reads of a claim."""

    text: str
    quantity: str | None = None
    speaker: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class Score:
    score: float
    reasons: tuple[str, ...]


def comparisons(text: str) -> tuple[list[str], list[str]]:
    """The comparisons and the superlatives in ``text``, as written."""
    words = WORD.findall(text)
    compared: list[str] = []
    ranked: list[str] = []
    for index, word in enumerate(words):
        folded = fold(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        previous = fold(words[index - 1]) if index else ""
        if folded.startswith("ال") and folded[2:] in ELATIVES:
            if previous not in QUALIFYING:
                ranked.append(word)  # الأكبر: the largest
        elif folded in ELATIVES:
            if fold(following) == "من":
                after = words[index + 2] if index + 2 < len(words) else ""
                # أكثر من 20: a figure's qualifier, counted with the figure.
                if not NUMBER.match(after):
                    compared.append(f"{word} {following}")
            elif following and not NUMBER.match(following):
                ranked.append(f"{word} {following}")  # أكبر عدد: the largest number
    compared += ENGLISH_COMPARATIVE.findall(text)
    ranked += ENGLISH_SUPERLATIVE.findall(text)
    return compared, ranked


def score(claim: ClaimFacts) -> Score:
    reasons: list[str] = []
    remaining = 1.0

    def cue(kind: str, detail: str | None = None) -> None:
        nonlocal remaining
        remaining *= 1 - WEIGHTS[kind]
        reasons.append(f"{kind}: {detail}" if detail else kind)

    if claim.quantity:
        cue("figure", claim.quantity)
    if claim.speaker:
        cue("named speaker", claim.speaker)
    compared, ranked = comparisons(claim.text)
    if ranked:
        cue("superlative", ", ".join(ranked))
    if compared:
        cue("comparison", ", ".join(compared))
    if claim.negated:
        cue("negation")
    return Score(round(1 - remaining, 4), tuple(reasons))
