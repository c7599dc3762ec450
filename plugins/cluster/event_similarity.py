"""How likely two articles report one event, from their titles and leads alone.

A story gathers the reports of one *happening*, not of one topic: two days' weather
forecasts, two congratulation cables of one template or a police search and the
arrest that followed share most of their words and are still two events. So the
weight of a pair (:func:`event_weight`) is

* the cosine of the two articles' term vectors: the words of the title (counted
  twice) and of the lead (the first ``LEAD_CHARS`` characters), each weighted by
  how rare it is in news at large (its inverse document frequency in a background
  corpus, :class:`Background`), words common in news left out;
* lowered (times ``UNCOVERED_FACTOR``) when the title of either does not find itself
  in the other: less than ``MIN_COVERAGE`` of its rare title words, on average over
  the two sides, appear anywhere in the other article. Reports of one event name
  what their titles name (the country congratulated, the place hit, the arrest);
  a different event of the same topic does not; and
* set to 0 when the two leads give people's ages and no age is in both: reports of
  one event agree on the age of the person it happened to, and one template's
  reports on two people (the day's new MERS case in Riyadh, 28 and 32 years old) do
  not. On the development gold, of the linked pairs whose leads both give ages, 17
  report one event, all sharing an age, and 3 two, none sharing one; and
* halved again (times ``SAME_OUTLET_FACTOR``) when both come from one outlet. An
  outlet reports an event once (a copy it publishes twice is linked as such by the
  dedupe stage, and that link keeps its own weight); its second, different article
  on one subject is as often the next development (the next day's figures, a second
  projectile, the discharge after the operation): on the development gold, of the
  same-outlet pairs weighed 0.3 or more with no copy link between them, 6 report one
  event and 9 two.

The background frequencies are fixed (they ship with the package, built by
``scripts/build_background_df.py`` from SaudiNewsNet days other than the development
gold's; the held-out gold's days are among them, texts only),
so a pair's weight is a pure function of its two articles: it does not change as
the corpus grows and does not depend on the order articles came in.
"""

from __future__ import annotations

import gzip
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from typing import Any

from marsad.text.ages import ages_named
from marsad.text.reuse import words
from marsad.text.tokens import bare

LEAD_CHARS = 1200  # about the first two paragraphs
TITLE_COUNT = 2  # a title word counts as this many lead words
COMMON_SHARE = 0.02  # a word in more than this share of background articles says nothing
MIN_COVERAGE = 0.5
UNCOVERED_FACTOR = 0.5
SAME_OUTLET_FACTOR = 0.5
EVIDENCE_WORDS = 8  # shared words shown with a link, those that weigh most first
BACKGROUND_FILE = "background_df.txt.gz"

# Function words and reporting verbs, as match keys (ة -> ه, ى -> ي, hamza folded):
# frequent everywhere, so they say nothing about the event.
STOPWORDS = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "ان",
        "او",
        "ثم",
        "قد",
        "لا",
        "ما",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "كان",
        "كانت",
        "يكون",
        "قال",
        "وقال",
        "اضاف",
        "واضاف",
        "اكد",
        "واكد",
        "اوضح",
        "واوضح",
        "بين",
        "بعد",
        "قبل",
        "خلال",
        "حيث",
        "كما",
        "لم",
        "لن",
        "عند",
        "ضمن",
        "اكثر",
        "اقل",
        "اول",
        "امس",
        "اليوم",
        "يوم",
        "وفي",
        "ومن",
        "والي",
        "وعلي",
        "وعن",
        "وان",
        "انه",
        "انها",
        "ايضا",
        "حتي",
        "منذ",
        "تم",
        "وقد",
        "الا",
        "غير",
        "كل",
        "بعض",
        "اي",
        "هو",
        "هي",
        "هم",
        "نحو",
        "عام",
        "عبر",
        "لدي",
        "لها",
        "له",
        "بها",
        "به",
        "فيه",
        "فيها",
        "منها",
        "منه",
        "عليه",
        "عليها",
        "اليه",
        "الان",
        "وذلك",
        "وهو",
        "وهي",
        "وهذا",
        "وهذه",
        "لكن",
        "ولكن",
        "اذا",
        "اذ",
        "بان",
        "بانه",
        "بانها",
        "لان",
        "وكان",
        "وكانت",
        "حول",
        "دون",
        "مثل",
        "ذات",
        "عدد",
        "عده",
        "جميع",
        "كافه",
        "اطار",
        "مجال",
        "اجل",
        "سوف",
        "وسوف",
        "تحت",
        "فوق",
        "امام",
        "وراء",
        "لدى",
        "الذي",
        "والتي",
        "والذي",
    ]
)


def event_words(text: str) -> list[str]:
    """The words of a text as compared here: match keys without their clitics,
    function words left out."""
    return [word for key in words(text) if (word := _event_word(key))]


@lru_cache(maxsize=1 << 17)
def _event_word(key: str) -> str:
    """A key word as compared, or "" to leave out (cached: news repeats its words,
    and every candidate's profile reads a whole text)."""
    if key in STOPWORDS:
        return ""
    word = bare(key)
    return word if len(word) >= 2 else ""


@dataclass(frozen=True)
class Background:
    """How many background articles hold each word (words in fewer than three are
    not listed: they count as unseen)."""

    articles: int
    frequency: Mapping[str, int]

    def idf(self, word: str) -> float:
        return math.log((self.articles + 1) / (self.frequency.get(word, 0) + 1))

    def common(self, word: str) -> bool:
        return word in self._common

    @cached_property
    def _common(self) -> frozenset[str]:
        limit = self.articles * COMMON_SHARE
        return frozenset(word for word, n in self.frequency.items() if n > limit)

    @staticmethod
    def parse(lines: Iterable[str]) -> Background:
        """Read the format :func:`Background.lines` writes."""
        articles = 0
        frequency: dict[str, int] = {}
        for line in lines:
            name, _, value = line.rstrip("\n").partition("\t")
            if name == "# articles":
                articles = int(value)
            elif name and not name.startswith("#"):
                frequency[name] = int(value)
        if articles <= 0:
            raise ValueError("background frequencies without an '# articles' line")
        return Background(articles, frequency)

    def lines(self, minimum: int = 3) -> list[str]:
        """One word and its count a line, sorted, after the number of articles."""
        kept = sorted(word for word, n in self.frequency.items() if n >= minimum)
        return [f"# articles\t{self.articles}", *(f"{w}\t{self.frequency[w]}" for w in kept)]


@cache
def background() -> Background:
    """The frequencies shipped with the package."""
    data = files("marsad.text").joinpath("lexicons", BACKGROUND_FILE).read_bytes()
    return Background.parse(gzip.decompress(data).decode("utf-8").splitlines())


@dataclass(frozen=True)
class EventProfile:
    """What :func:`event_weight` needs of one article."""

    vector: Mapping[str, float]  # unit length
    title_weights: Mapping[str, float]  # rare title words and their idf
    words: frozenset[str]  # every word of the article
    ages: frozenset[int] = frozenset()  # people's ages the title and lead give


def profile(title: str | None, text: str | None, known: Background | None = None) -> EventProfile:
    known = known or background()
    title_words = event_words(title or "")
    counts = Counter({w: TITLE_COUNT * n for w, n in Counter(title_words).items()})
    counts.update(event_words((text or "")[:LEAD_CHARS]))
    raw = {w: (1 + math.log(n)) * known.idf(w) for w, n in counts.items() if not known.common(w)}
    norm = math.sqrt(sum(x * x for x in raw.values())) or 1.0
    return EventProfile(
        vector={w: x / norm for w, x in raw.items()},
        title_weights={w: known.idf(w) for w in title_words if not known.common(w)},
        words=frozenset(
            word for key in set(words(f"{title or ''} {text or ''}")) if (word := _event_word(key))
        ),
        ages=ages_named(f"{title or ''}\n{(text or '')[:LEAD_CHARS]}"),
    )


def cosine(a: EventProfile, b: EventProfile) -> float:
    # In a fixed order, so that the sum is the same float whichever side is ``a``.
    return sum(a.vector[w] * b.vector[w] for w in sorted(a.vector.keys() & b.vector.keys()))


def coverage(a: EventProfile, b: EventProfile) -> float:
    """The share of ``a``'s rare title words (by weight) found anywhere in ``b``."""
    total = sum(a.title_weights.values())
    if not total:
        return 1.0
    return sum(x for w, x in a.title_weights.items() if w in b.words) / total


def event_weight(a: EventProfile, b: EventProfile, same_outlet: bool = False) -> float:
    """How strongly two articles look like reports of one event, from 0 to 1; the
    same whichever comes first. ``same_outlet``: both come from one (known) outlet."""
    weight = cosine(a, b)
    for factor in _factors(a, b, same_outlet).values():
        weight *= factor
    return weight


def _factors(a: EventProfile, b: EventProfile, same_outlet: bool) -> dict[str, float]:
    """The factors that lower a pair's cosine, by why."""
    factors = {}
    if _title_coverage(a, b) < MIN_COVERAGE:
        factors["titles_not_covered"] = UNCOVERED_FACTOR
    if a.ages and b.ages and not a.ages & b.ages:
        factors["other_ages"] = 0.0
    if same_outlet:
        factors["same_outlet"] = SAME_OUTLET_FACTOR
    return factors


def _title_coverage(a: EventProfile, b: EventProfile) -> float:
    return (coverage(a, b) + coverage(b, a)) / 2


def event_evidence(a: EventProfile, b: EventProfile, same_outlet: bool = False) -> dict[str, Any]:
    """What :func:`event_weight` saw, for a person to check: the cosine and the words
    that weigh most in it, how much of the titles the other article names, whether one
    outlet published both, and the factors that made the weight from the cosine."""
    shared = sorted(
        a.vector.keys() & b.vector.keys(), key=lambda w: (-a.vector[w] * b.vector[w], w)
    )
    return {
        "cosine": round(cosine(a, b), 3),
        "shared_words": shared[:EVIDENCE_WORDS],
        "title_coverage": round(_title_coverage(a, b), 3),
        "same_outlet": same_outlet,
        "factors": _factors(a, b, same_outlet),
    }
