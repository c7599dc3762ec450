"""``marsad eval claims`` on the SaudiNewsNet gold format (``claims_dev.json``), no database.

Each gold article's ``content`` is read from its zip, turned into the text the
pipeline sees (:func:`pipeline_text`) and given to
:func:`marsad.text.claims.finder.find_claims`. Gold items are located by their
verbatim ``evidence`` strings.

Statements (claims of kind STATEMENT):

* a claim *stands for* a gold statement when its text and the gold ``evidence`` or
  ``content_evidence`` share a run of at least four words (match-key words), or one
  holds the other;
* recall is one-to-one: pairs are taken greedily, longest shared run first, so one
  claim is credited for one reporting act only ("قال ... وأضاف" in one claim finds
  one of the two acts), and each gold statement has at most one claim;
* precision is "any": a claim is right when it stands for some gold statement of its
  article (a quotation split into two claims is not a false find);
* speaker, channel and direct are judged on the one-to-one claim. Their ``recall``
  is right / all gold items (a statement not found is wrong), their ``precision``
  right / gold items found. Speaker: the claim's entity name, any alias or its
  speaker text names the gold ``speaker`` or ``speaker_full`` (one name's words run
  inside the other's, on keys without clitics). Channel: ours are the gold's
  words; null and null is right.

Quantities (claims of kind QUANTITY, and EVENT claims that are negated, value 0):

* a claim lies in a gold quantity when its span is inside an occurrence of the
  gold ``evidence`` in the text, or overlaps one and the overlap holds a digit or
  half the claim (a number in words); when the evidence is not in the pipeline text (parse
  dropped its line) the match keys are compared instead;
* it is right for the gold item when value (relative 1e-9), qualifier (ours mapped
  by :data:`QUALIFIER_TO_GOLD`) and negation agree; "noun right" adds the unit:
  :func:`same_noun`;
* recall: gold items with some right claim in them ("any"); precision: quantity
  claims right for some gold item of their article, over all quantity claims of
  the gold's articles (a claim in no gold evidence is a false find).

Breakdowns keep the same rules within a category of the gold item; precision is
given where a claim has the category too (its mode, channel and qualifier). A
claim's verb is a lemma ("مضيفا" gives أضاف), so its attribution category is not
known and that breakdown has recall only.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from marsad.core import ClaimKind, InputError, Qualifier
from marsad.eval.claims import ClaimsReport, Score, same_name
from marsad.text.arabic import WORD, display_text, match_key
from marsad.text.claims.finder import ClaimDraft, find_claims
from marsad.text.numbers import ARRESTED, DISPLACED, INJURED, KILLED, MISSING, RECOVERED
from marsad.text.plain import clean_controls, parse_text
from marsad.text.tokens import keys

MIN_RUN = 4  # words a claim and a gold string must share
RELATIVE = 1e-9

# Our Qualifier values are the gold's words; a count without a qualifier is exact.
QUALIFIER_TO_GOLD: dict[Qualifier | None, str] = {q: q.value for q in Qualifier}
QUALIFIER_TO_GOLD[None] = "exact"

# Casualty lemmas the number finder gives for people killed or hurt; the gold counts
# the same people with their own noun (شخص، جندي، قتيل) and says which in counted_en
# (killed, injured, arrested, missing, displaced, recovered).
# The event must agree: "4 killed" is not "4 injured".
CASUALTY_EVENTS = {
    match_key(KILLED): re.compile(r"\b(kill|dead|death|die)", re.I),
    match_key(INJURED): re.compile(r"\b(injur|wound|hurt)", re.I),
    match_key(ARRESTED): re.compile(r"\b(arrest|detain)", re.I),
    match_key(MISSING): re.compile(r"\bmissing", re.I),
    match_key(DISPLACED): re.compile(r"\b(displac|uproot|homeless)", re.I),
    match_key(RECOVERED): re.compile(r"\b(recover|cured)", re.I),
}


def pipeline_text(content: str, title: str | None) -> str:
    """The article text the extract stage reads, from a SaudiNewsNet ``content``.

    The same steps as the stages: ``parse`` drops control characters from the body
    and the title and calls ``parse_text(body, title=title)`` (records are not
    ``title_first``), storing the paragraphs; ``normalize`` replaces each with
    ``display_text(paragraph)``, keeps the non-empty ones and joins them with a line
    break (:mod:`marsad.core.paragraphs`).
    """
    clean_title = clean_controls(title) if title else None
    parsed = parse_text(clean_controls(content), title=clean_title or None)
    paragraphs = (display_text(paragraph) for paragraph in parsed.paragraphs)
    return "\n".join(p for p in paragraphs if p)


# --- the gold's articles ----------------------------------------------------------


@dataclass
class DevArticle:
    gold: dict[str, Any]
    text: str
    claims: list[ClaimDraft]
    content: str = ""  # as the dump has it

    @cached_property
    def quantity_claims(self) -> list[ClaimDraft]:
        return [claim for claim in self.claims if is_quantity(claim)]

    @cached_property
    def inside(self) -> list[list[ClaimDraft]]:
        """Per gold quantity, the quantity claims that lie in its evidence."""
        return [
            [claim for claim in self.quantity_claims if lies_in(self, claim, item["evidence"])]
            for item in self.gold["quantities"]
        ]

    def where(self) -> dict[str, str]:
        return {"article": f"{self.gold['zip']} {self.gold['source']}", "url": self.gold["url"]}


def check_dev_gold(path: Path, gold: dict[str, Any]) -> None:
    """The fields this report reads, or an InputError naming the first that is wrong."""
    needed = ("zip", "url", "source", "statements", "quantities")
    for index, article in enumerate(gold["articles"]):
        if not isinstance(article, dict):
            raise InputError(path, f"article {index} is not an object")
        missing = [key for key in needed if key not in article]
        if missing:
            raise InputError(path, f"article {index} lacks {', '.join(missing)}")


def default_articles_folder(gold_path: Path) -> list[Path]:
    """Where the dumps may be: beside the gold's corpus folder, or the shared corpus
    next to the project (for a copy of the gold under tests/data)."""
    project = Path(__file__).resolve().parent.parent
    return [
        gold_path.parent.parent / "saudinewsnet",
        project.parent / "shared" / "corpus" / "saudinewsnet",
        Path("../shared/corpus/saudinewsnet"),
    ]


def articles_folder(gold_path: Path, given: Path | None) -> Path:
    candidates = [given] if given is not None else default_articles_folder(gold_path)
    for folder in candidates:
        if folder.is_dir():
            return folder
    tried = ", ".join(str(folder) for folder in candidates)
    raise InputError(gold_path, f"no SaudiNewsNet folder at {tried} (use --articles)")


def _read_zip(path: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".json")]
            if len(members) != 1:
                raise InputError(path, f"expected one .json member, found {members}")
            items = json.loads(archive.read(members[0]).decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(path, "zip not found (named by the gold)") from None
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as error:
        raise InputError(path, f"cannot read the zip ({error})") from None
    if not isinstance(items, list):
        raise InputError(path, "expected a JSON array of articles")
    found: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if isinstance(item, dict):
            found[(str(item.get("url")), str(item.get("source")))].append(item)
    return found


def load_articles(gold_path: Path, gold: dict[str, Any], folder: Path) -> list[DevArticle]:
    """Each gold article with its pipeline text and claims, read from its zip."""
    zips: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {}
    loaded = []
    for article in gold["articles"]:
        name = article["zip"]
        if name not in zips:
            zips[name] = _read_zip(folder / name)
        records = zips[name].get((article["url"], article["source"]), [])
        # Some dumps repeat a url; the gold's title picks the record it was made from.
        titled = [r for r in records if r.get("title") == article.get("title")] or records
        if not titled:
            raise InputError(
                folder / name, f"no article with url {article['url']} from {article['source']}"
            )
        content = str(titled[0].get("content") or "")
        text = pipeline_text(content, titled[0].get("title"))
        loaded.append(DevArticle(article, text, find_claims(text).claims, content))
    return loaded


# --- matching rules ---------------------------------------------------------------


@cache  # the same claims and gold strings are compared many times
def words(text: str) -> tuple[str, ...]:
    """Match-key words; NFKC first, for the presentation forms some outlets type
    ("اﻷمان" with the ligature ﻷ) where the annotator typed the letters."""
    return tuple(WORD.findall(match_key(unicodedata.normalize("NFKC", text))))


def shared_run(a: str, b: str) -> int:
    """Words of the longest run ``a`` and ``b`` share (match keys), when it is at
    least :data:`MIN_RUN` words or the whole of one of them; else 0."""
    x, y = words(a), words(b)
    if not x or not y:
        return 0
    run = SequenceMatcher(None, x, y, autojunk=False).find_longest_match(0, len(x), 0, len(y))
    return run.size if run.size >= MIN_RUN or run.size == min(len(x), len(y)) else 0


def statement_overlap(claim: ClaimDraft, item: dict[str, Any]) -> int:
    """How strongly a claim stands for a gold statement; 0 when it does not."""
    return max(shared_run(claim.text, item[key] or "") for key in ("evidence", "content_evidence"))


_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")


def _bare_word(word: str) -> str:
    """A name word without a leading conjunction, preposition or article."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    if word[:1] in "وفبل" and len(word) >= 4:
        return word[1:]
    return word


def name_words(name: str) -> tuple[str, ...]:
    return tuple(_bare_word(w) for w in words(name))


def names_each_other(a: str, b: str) -> bool:
    """One name's words run inside the other's, clitics and articles aside."""
    return same_name(a, b, name_words)


def speaker_names(claim: ClaimDraft) -> list[str]:
    names = [claim.speaker_text or ""]
    if claim.speaker is not None:
        names += [claim.speaker.name, *claim.speaker.aliases]
    return [name for name in names if name]


def speaker_right(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    gold = [item[key] for key in ("speaker", "speaker_full") if item.get(key)]
    return any(names_each_other(ours, theirs) for ours in speaker_names(claim) for theirs in gold)


def gold_channel(claim: ClaimDraft) -> str | None:
    return claim.channel  # the statement rules name channels in the gold's words


def is_quantity(claim: ClaimDraft) -> bool:
    return claim.kind is ClaimKind.QUANTITY or (claim.kind is ClaimKind.EVENT and claim.negated)


def claim_value(claim: ClaimDraft) -> float:
    return 0.0 if claim.value is None else claim.value


def same_value(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= RELATIVE * max(abs(a), abs(b))


def quantity_right(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    """Value, qualifier and negation as the gold has them (the noun aside)."""
    return (
        same_value(claim_value(claim), float(item["value"]))
        and QUALIFIER_TO_GOLD[claim.qualifier] == item["qualifier"]
        and claim.negated == bool(item["negated"])
    )


# The gold writes a percentage's counted noun as the text does ("في المائة", "%").
PERCENT = "%"
PERCENT_WORDS = {match_key(w) for w in ("في المائة", "في المئة", "بالمائة", "بالمئة", "بالمية")}


def _noun_key(noun: str) -> str:
    if noun.strip() == PERCENT or match_key(noun) in PERCENT_WORDS:
        return PERCENT
    return " ".join(_bare_word(w) for w in words(noun))


# Abbreviated units the gold keeps as written.
ABBREVIATIONS = {match_key(short): match_key(full) for short, full in (("كلم", "كيلومتر"),)}


def _heads(counted: str) -> set[str]:
    """The nouns a count may name: the whole phrase, its head (the first word: "لجنة
    قضائية دولية") and a noun joined to it by و ("مصل ومعتمر")."""
    written = words(counted)
    heads = {_noun_key(counted)}
    if written:
        heads.add(_bare_word(written[0]))
        heads.update(_bare_word(w[1:]) for w in written[1:] if w.startswith("و") and len(w) > 3)
    return {ABBREVIATIONS.get(head, head) for head in heads}


def same_noun(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    """The claim's unit names the gold's counted noun (:func:`_heads`, on match keys
    without the article; "%" and "في المائة" alike), or is the casualty lemma of the
    event the gold counts (قتيل for people killed, مصاب for people hurt)."""
    unit = _noun_key(claim.unit or "")
    if unit and ABBREVIATIONS.get(unit, unit) in _heads(item["counted"]):
        return True
    event = CASUALTY_EVENTS.get(unit)
    return event is not None and (
        _noun_key(item["counted"]) == unit or bool(event.search(item["counted_en"]))
    )


def _holds_number(part: str, claim: ClaimDraft) -> bool:
    """A digit, or half the claim (a number in words: "ثلاثة صواريخ", "صاروخين")."""
    return any(ch.isdigit() for ch in part) or 2 * len(part) >= len(claim.text)


def evidence_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    needle = display_text(evidence)
    spans, start = [], text.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def lies_in(article: DevArticle, claim: ClaimDraft, evidence: str) -> bool:
    spans = evidence_spans(article.text, evidence)
    if not spans:
        return match_key(claim.text) in match_key(evidence)
    for start, end in spans:
        if start <= claim.start and claim.end <= end:
            return True
        low, high = max(start, claim.start), min(end, claim.end)
        if low < high and _holds_number(article.text[low:high], claim):
            return True
    return False


# --- categories of gold items -------------------------------------------------------

PREPOSITIONS = keys("بحسب حسب حسبما وفق وفقا وفقما طبقا نقلا بنظر لسان عن بموجب برأي")
# Impersonal and passive markers: يُذكر أن، يشار إلى، من المتوقع، تم نفيها.
IMPERSONAL = keys("يذكر يشار يتوقع المتوقع يتهم يقال قيل أفيد يعتقد يرجح تم")
# Verbal nouns the patterns below miss (forms that are not also past verbs).
VERBAL_NOUNS = keys("قول قوله حديث حديثه كلمة كلمته دعوة دعوات")


def _without_conjunction(word: str) -> str:
    return word[1:] if word[:1] in "وف" and len(word) >= 4 else word


def _looks_verbal_noun(word: str) -> bool:
    """تفعيل (تصريح، تأكيد), إفعال/افتعال (إعلان، اتهام، ادعاء), plurals in ات, on keys
    without a trailing pronoun (اتهامه، إعلانه)."""
    if len(word) >= 6 and word.endswith("ه"):
        word = word[:-1]
    if len(word) < 5:
        return False
    return word.endswith("ات") or (word[0] == "ت" and word[-2] == "ي") or word[0] == word[-2] == "ا"


def _looks_participle(word: str) -> bool:
    """مُفعِل or فاعل in the accusative, any gender or number: مشيرا، مشيرة، مشيرين،
    لافتا، قائلا; never a plural past verb (طالبوا)."""
    if len(word) < 4 or word.endswith("وا"):
        return False
    ending = word.endswith(("ا", "ه", "ين"))
    return ending and (word[0] == "م" or word[1] == "ا")


def attribution(verb: str | None, speaker: str | None = "?") -> str:
    """verb / participle / verbal noun / prepositional / impersonal, from the marker.

    In order: a preposition (بحسب، وفق، نقلا عن...); an impersonal or passive marker
    (يُذكر، يشار، من المتوقع، تم) or a gold entry without a speaker; a verbal noun
    (the article, a short list, or the patterns of :func:`_looks_verbal_noun`, after
    a clitic و ف ب ل); a participle (:func:`_looks_participle`); else a verb.
    """
    written = words(verb or "")
    if not written:
        return "unknown"
    first = _without_conjunction(written[0])
    stem = _bare_word(written[0])  # without و ف ب ل or the article
    forms = {written[0], first, stem}  # a leading و may be the word's own (وفقا)
    if forms & PREPOSITIONS:
        return "prepositional"
    if speaker is None or (set(written) | forms) & IMPERSONAL:
        return "impersonal"
    if first.startswith("ال") or forms & VERBAL_NOUNS or _looks_verbal_noun(stem):
        return "verbal noun"
    if _looks_participle(first):
        return "participle"
    return "verb"


IMPLICIT_NOTE = re.compile(r"pronoun|implicit|continu|resolved|same speaker", re.I)


def subject(item: dict[str, Any]) -> str:
    """named / pronoun or implicit / impersonal: the note says pronoun or implicit
    subject, or no word of the speaker as written appears in the evidence."""
    if not item.get("speaker"):
        return "impersonal"
    if IMPLICIT_NOTE.search(item.get("note") or ""):
        return "pronoun or implicit"
    said = set(name_words(item["evidence"]))
    if not any(w in said for w in name_words(item["speaker"])):
        return "pronoun or implicit"
    return "named"


# --- scoring ------------------------------------------------------------------------


@dataclass
class Matched:
    """The gold statements of all articles with their one-to-one claims."""

    items: list[tuple[DevArticle, dict[str, Any], ClaimDraft | None]] = field(default_factory=list)
    right: dict[int, bool] = field(default_factory=dict)  # id(claim) -> stands for some


def match_statements(articles: Iterable[DevArticle]) -> Matched:
    matched = Matched()
    for article in articles:
        claims = [c for c in article.claims if c.kind is ClaimKind.STATEMENT]
        gold = article.gold["statements"]
        pairs = []
        for g, item in enumerate(gold):
            for c, claim in enumerate(claims):
                overlap = statement_overlap(claim, item)
                if overlap:
                    pairs.append((-overlap, g, c))
                    matched.right[id(claim)] = True
        taken_gold: dict[int, int] = {}
        taken_claims: set[int] = set()
        for _, g, c in sorted(pairs):
            if g not in taken_gold and c not in taken_claims:
                taken_gold[g] = c
                taken_claims.add(c)
        for claim in claims:
            matched.right.setdefault(id(claim), False)
        for g, item in enumerate(gold):
            chosen = claims[taken_gold[g]] if g in taken_gold else None
            matched.items.append((article, item, chosen))
    return matched


def _miss(article: DevArticle, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**article.where(), "evidence": item["evidence"], **extra}


def _false(article: DevArticle, claim: ClaimDraft) -> dict[str, Any]:
    return {**article.where(), "text": claim.text, "sentence": claim.sentence}


def statement_scores(
    articles: list[DevArticle],
    matched: Matched,
    category: str = "statements",
    gold_filter: Callable[[dict[str, Any]], bool] = lambda item: True,
    claim_filter: Callable[[ClaimDraft], bool] | None = None,
) -> Score:
    score = Score(category)
    for article, item, claim in matched.items:
        if not gold_filter(item):
            continue
        score.expected += 1
        if claim is not None:
            score.found += 1
        else:
            score.misses.append(_miss(article, item, verb=item["speech_verb"]))
    if claim_filter is not None:
        for article in articles:
            for claim in article.claims:
                if claim.kind is ClaimKind.STATEMENT and claim_filter(claim):
                    score.predicted += 1
                    if matched.right[id(claim)]:
                        score.correct += 1
                    else:
                        score.false_finds.append(_false(article, claim))
    return score


def attribute_score(
    matched: Matched,
    category: str,
    wanted: Callable[[dict[str, Any]], bool],
    right: Callable[[ClaimDraft, dict[str, Any]], bool],
    got: Callable[[ClaimDraft], Any],
) -> Score:
    """recall: right / gold items; precision: right / gold items found."""
    score = Score(category)
    for article, item, claim in matched.items:
        if not wanted(item):
            continue
        score.expected += 1
        if claim is None:
            continue
        score.predicted += 1
        if right(claim, item):
            score.found += 1
            score.correct += 1
        else:
            score.misses.append(_miss(article, item, claim=claim.text, got=got(claim)))
    return score


def quantity_score(
    articles: list[DevArticle],
    category: str,
    right: Callable[[ClaimDraft, dict[str, Any]], bool],
    gold_filter: Callable[[dict[str, Any]], bool] = lambda item: True,
    claim_filter: Callable[[ClaimDraft], bool] | None = lambda claim: True,
) -> Score:
    score = Score(category)
    for article in articles:
        gold = article.gold["quantities"]
        for item, inside in zip(gold, article.inside, strict=True):
            if not gold_filter(item):
                continue
            score.expected += 1
            if any(right(c, item) for c in inside):
                score.found += 1
            else:
                score.misses.append(
                    _miss(article, item, got=[describe_quantity(c) for c in inside])
                )
        if claim_filter is None:
            continue
        for claim in article.quantity_claims:
            if not claim_filter(claim):
                continue
            score.predicted += 1
            if any(
                any(c is claim for c in inside) and right(claim, item)
                for item, inside in zip(gold, article.inside, strict=True)
            ):
                score.correct += 1
            else:
                score.false_finds.append(_false(article, claim))
    return score


def describe_quantity(claim: ClaimDraft) -> str:
    negation = " negated" if claim.negated else ""
    qualifier = QUALIFIER_TO_GOLD[claim.qualifier]
    return f"{claim.text}: {claim_value(claim):g} {claim.unit} {qualifier}{negation}"


def with_noun(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    return quantity_right(claim, item) and same_noun(claim, item)


def _has_speaker(item: dict[str, Any]) -> bool:
    return bool(item.get("speaker"))


def _any(_: object) -> bool:
    return True


def _right_channel(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    return bool(gold_channel(claim) == item["channel"])


def _right_mode(claim: ClaimDraft, item: dict[str, Any]) -> bool:
    return bool(claim.direct) is (item["mode"] == "direct")


def evaluate_dev(articles: list[DevArticle]) -> ClaimsReport:
    matched = match_statements(articles)
    scores = [
        statement_scores(articles, matched, claim_filter=_any),
        attribute_score(matched, "speaker", _has_speaker, speaker_right, speaker_names),
        attribute_score(matched, "channel", _any, _right_channel, gold_channel),
        attribute_score(matched, "direct", _any, _right_mode, lambda claim: claim.direct),
        quantity_score(articles, "quantities", with_noun),
        quantity_score(articles, "quantities (no noun)", quantity_right),
    ]
    return ClaimsReport(scores, breakdowns=breakdowns(articles, matched))


GoldCategory = Callable[[dict[str, Any]], str]
ClaimCategory = Callable[[ClaimDraft], str]


def _gold_in(category: GoldCategory, value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda item: category(item) == value


def _claim_in(category: ClaimCategory, value: str) -> Callable[[ClaimDraft], bool]:
    return lambda claim: category(claim) == value


def _gold_attribution(item: dict[str, Any]) -> str:
    return attribution(item["speech_verb"], item.get("speaker"))


def _gold_mode(item: dict[str, Any]) -> str:
    return str(item["mode"])


def _claim_mode(claim: ClaimDraft) -> str:
    return "direct" if claim.direct else "indirect"


def _gold_channel(item: dict[str, Any]) -> str:
    return str(item["channel"])


def _claim_channel(claim: ClaimDraft) -> str:
    return str(gold_channel(claim))


def _claim_qualifier(claim: ClaimDraft) -> str:
    return QUALIFIER_TO_GOLD[claim.qualifier]


def breakdowns(articles: list[DevArticle], matched: Matched) -> list[Score]:
    """Statements by attribution, subject, mode and channel; quantities by number
    form, qualifier and kind. Precision where a claim has the category too."""
    gold_statements = [item for _, item, _ in matched.items]
    statement_splits: list[tuple[str, GoldCategory, ClaimCategory | None, list[str]]] = [
        ("attribution", _gold_attribution, None, []),
        ("subject", subject, None, ["named", "pronoun or implicit", "impersonal"]),
        ("mode", _gold_mode, _claim_mode, []),
        ("channel", _gold_channel, _claim_channel, []),
    ]
    found: list[Score] = []
    for name, of_gold, of_claim, values in statement_splits:
        for value in values or sorted({of_gold(item) for item in gold_statements}):
            found.append(
                statement_scores(
                    articles,
                    matched,
                    f"statements / {name}: {value}",
                    _gold_in(of_gold, value),
                    _claim_in(of_claim, value) if of_claim else None,
                )
            )
    gold_quantities = [q for a in articles for q in a.gold["quantities"]]
    for key in ("number_form", "qualifier", "kind"):

        def of_quantity(item: dict[str, Any], key: str = key) -> str:
            return str(item[key])

        for value in sorted({of_quantity(q) for q in gold_quantities}):
            # Of the three, only the qualifier is something a claim has too.
            has_it = _claim_in(_claim_qualifier, value) if key == "qualifier" else None
            found.append(
                quantity_score(
                    articles,
                    f"quantities / {key}: {value}",
                    with_noun,
                    _gold_in(of_quantity, value),
                    has_it,
                )
            )
    return found


def run_dev(gold_path: Path, gold: dict[str, Any], articles: Path | None) -> ClaimsReport:
    """Read the gold's articles from their zips and score the claim finder on them."""
    started = time.perf_counter()
    check_dev_gold(gold_path, gold)
    loaded = load_articles(gold_path, gold, articles_folder(gold_path, articles))
    report = evaluate_dev(loaded)
    report.seconds = time.perf_counter() - started
    return report
