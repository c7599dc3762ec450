"""Stance between two short texts: a small logistic model over the rules' findings.

The rules of :mod:`marsad.text.claims.relate` (claims on a shared slot, antonyms,
negation, changed numbers, a swapped word) are precise but miss many paraphrased
contradictions and call loosely related headlines corroborating. :func:`features`
turns what the rules found, plus how much the two texts share and which words only
one of them uses, into named features; a multinomial logistic regression trained on
ANS stance-train (``scripts/train_stance.py``) weighs them. Inference is a dot
product and a softmax in pure Python over the weights in ``models/stance.json``.

"contradicts" is said only when its probability reaches the model's threshold
(chosen by cross-validation on the training split for precision), else the more
likely of the two other labels.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from marsad.core import InputError
from marsad.text.arabic import match_key
from marsad.text.claims.compare import content_words, similarity
from marsad.text.claims.polarity import negated, numbers, polarity_conflict, substitution
from marsad.text.tokens import bare, word_texts

LABELS = ("corroborates", "contradicts", "unrelated")
CHAR_N = 3  # character n-grams of the words only one text uses
SIMILARITY_STEPS = 10  # similarity is also given as one of ten bins
ALIGNED_WORDS = 100  # longer texts are not aligned word by word (it costs the square)
BECAUSE = 4  # features named as the reason of a decision


def features(a: str, b: str, rules: dict[str, Any]) -> dict[str, float]:
    """Named features of a pair, symmetric in ``a`` and ``b``.

    ``rules`` is :func:`marsad.text.claims.relate.rule_relation`'s answer for the pair:
    its relation and the rule and conflict in its evidence become features, so the
    model can trust or overrule each of them.
    """
    found: dict[str, float] = {f"rule={rules['relation']}": 1.0}
    evidence = rules.get("evidence", {})
    for name in ("rule", "conflict"):
        if name in evidence:
            found[f"rule_{name}={evidence[name]}"] = 1.0
    found.update(_polarity(a, b))
    words_a, words_b = _stems(a), _stems(b)
    score = similarity(content_words(a), content_words(b))
    found["similarity"] = score
    found[f"similarity_bin={min(int(score * SIMILARITY_STEPS), SIMILARITY_STEPS - 1)}"] = 1.0
    shared = words_a & words_b
    union = words_a | words_b
    found["jaccard"] = len(shared) / len(union) if union else 0.0
    found["one_sided_share"] = len(union - shared) / len(union) if union else 0.0
    common = content_words(a) & content_words(b)
    found[f"shared_content_words={min(len(common), 4)}"] = 1.0
    # Shared letters find the same topic where words differ in form ("ليبيا" /
    # "الليبية", "أمريكا" / "الأميركية"); unrelated pairs share almost none.
    chars_a, chars_b = _char_grams(words_a), _char_grams(words_b)
    grams = chars_a | chars_b
    letters = len(chars_a & chars_b) / len(grams) if grams else 0.0
    found["shared_letters"] = letters
    found[f"shared_letters_bin={min(int(letters * SIMILARITY_STEPS), SIMILARITY_STEPS - 1)}"] = 1.0
    found.update(_alignment(a, b))
    found.update(_conjunctions(found))
    for word in sorted(words_a ^ words_b):
        found[f"only={word}"] = 1.0
        for gram in _char_grams([word]):
            found[f"only_chars={gram}"] = 1.0
    return found


# The findings whose pairs are features too: a swapped word means one thing in an
# otherwise equal frame and another in a loose paraphrase.
CONJOINED = (
    "rule=",
    "rule_rule=",
    "rule_conflict=",
    "antonyms",
    "negation_differs",
    "numbers_",
    "substitution",
    "similarity_bin=",
    "shared_content_words=",
    "shared_letters_bin=",
    "frame_bin=",
    "replaced_spans=",
    "added_spans=",
)


def _conjunctions(found: dict[str, float]) -> dict[str, float]:
    names = sorted(name for name in found if name.startswith(CONJOINED))
    return {f"{x}&{y}": 1.0 for i, x in enumerate(names) for y in names[i + 1 :]}


def _char_grams(words: Iterable[str]) -> set[str]:
    grams: set[str] = set()
    for word in words:
        padded = f"<{word}>"
        grams.update(padded[i : i + CHAR_N] for i in range(len(padded) - CHAR_N + 1))
    return grams


def _polarity(a: str, b: str) -> dict[str, float]:
    """Each test of :mod:`marsad.text.claims.polarity` on its own, not only the first to fire."""
    found: dict[str, float] = {}
    if polarity_conflict(a, b, negation=False, values=False) is not None:
        found["antonyms"] = 1.0
    if negated(_words(a)) != negated(_words(b)):
        found["negation_differs"] = 1.0
    nums_a, nums_b = numbers(a), numbers(b)
    if nums_a and nums_b:
        found["numbers_shared" if nums_a & nums_b else "numbers_differ"] = 1.0
    elif nums_a or nums_b:
        found["numbers_one_side"] = 1.0
    if substitution(a, b) is not None:
        found["substitution"] = 1.0
    return found


def _alignment(a: str, b: str) -> dict[str, float]:
    """How the words of the two texts line up: the shared frame and what changed in it.

    A rewrite that keeps most words in order and changes one or two ("في غزة" / "في
    سوريا", "يغادرون" / "تقدم") differs from a paraphrase that reorders everything.
    """
    stems_a = [_stem(word) for word in _words(a)]
    stems_b = [_stem(word) for word in _words(b)]
    if not stems_a or not stems_b or max(len(stems_a), len(stems_b)) > ALIGNED_WORDS:
        return {}
    found: dict[str, float] = {}
    spans = {"replace": 0, "insert": 0, "delete": 0}
    same = 0
    matcher = SequenceMatcher(a=stems_a, b=stems_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same += i2 - i1
            continue
        spans[tag] += 1
        prefix = "replaced" if tag == "replace" else "added"
        for word in stems_a[i1:i2] + stems_b[j1:j2]:
            found[f"{prefix}={word}"] = 1.0
        # The swap itself, also on word beginnings, which outlast inflection:
        # "يرتفع" / "يتراجع" and "ارتفاع" / "تراجع" meet on "رتف" / "ترا".
        for word_a in stems_a[i1:i2]:
            for word_b in stems_b[j1:j2]:
                found["swap=" + "|".join(sorted((word_a, word_b)))] = 1.0
                found["swap_start=" + "|".join(sorted((word_a[:3], word_b[:3])))] = 1.0
    frame = same / min(len(stems_a), len(stems_b))
    found["frame"] = frame
    found[f"frame_bin={min(int(frame * 5), 4)}"] = 1.0
    found[f"replaced_spans={min(spans['replace'], 3)}"] = 1.0
    found[f"added_spans={min(spans['insert'] + spans['delete'], 3)}"] = 1.0
    return found


def _words(text: str) -> list[str]:
    return word_texts(match_key(text))


def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in _words(text))


def _stem(word: str) -> str:
    # Light, so that "أمريكية" and "أمريكي" are one word on both sides.
    word = bare(word)
    for ending in ("ات", "ين", "ون", "ية", "ه", "ة", "ا", "ي"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class StanceModel:
    """Weights of a multinomial logistic regression, one per label and feature."""

    labels: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    contradicts_threshold: float

    def logits(self, found: dict[str, float]) -> list[float]:
        totals = list(self.intercepts)
        for name, value in found.items():
            for index, weight in enumerate(self.weights.get(name, ())):
                totals[index] += weight * value
        return totals

    def decide(self, found: dict[str, float]) -> tuple[str, dict[str, float], list[str]]:
        """The label, every label's probability, and the features that weighed most for it."""
        logits = self.logits(found)
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        probabilities = {
            label: exp / sum(exps) for label, exp in zip(self.labels, exps, strict=True)
        }
        ranked = sorted(self.labels, key=lambda label: -probabilities[label])
        if ranked[0] == "contradicts" and probabilities["contradicts"] < self.contradicts_threshold:
            ranked = ranked[1:]
        label = ranked[0]
        return label, probabilities, self.because(found, label)

    def because(self, found: dict[str, float], label: str) -> list[str]:
        """Features that pushed most towards ``label`` against the other labels."""
        index = self.labels.index(label)
        pushes = []
        for name, value in found.items():
            weights = self.weights.get(name)
            if weights is None:
                continue
            others = max(w for i, w in enumerate(weights) if i != index)
            push = (weights[index] - others) * value
            if push > 0:
                pushes.append((push, name))
        return [name for _, name in sorted(pushes, key=lambda p: (-p[0], p[1]))[:BECAUSE]]


def read_model(path: Path | Traversable) -> StanceModel:
    """A model file as ``scripts/train_stance.py`` writes it, or a clear error."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = tuple(data["labels"])
        model = StanceModel(
            labels=labels,
            intercepts=tuple(float(x) for x in data["intercepts"]),
            weights={name: tuple(map(float, w)) for name, w in data["weights"].items()},
            contradicts_threshold=float(data["contradicts_threshold"]),
        )
    except OSError as error:
        raise InputError(source, f"cannot read the stance model ({error.strerror})") from None
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(source, f"not a stance model file ({error!r})") from None
    if set(labels) != set(LABELS) or any(len(w) != len(labels) for w in model.weights.values()):
        raise InputError(source, f"a stance model needs one weight per label {LABELS}")
    return model


@cache
def shipped_model() -> StanceModel:
    """The model inside the package (loaded once, offline)."""
    return read_model(files("marsad.text").joinpath("models", "stance.json"))


def classify(a: str, b: str, rules: dict[str, Any]) -> dict[str, Any]:
    """``{"relation", "score", "because"}`` from the shipped model."""
    label, probabilities, because = shipped_model().decide(features(a, b, rules))
    return {"relation": label, "score": round(probabilities[label], 4), "because": because}
