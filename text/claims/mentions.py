"""Entity mentions beyond speakers: people, organisations and places in the text.

Three sources, longest match first on the match key, so one token is one mention:

* people named after a title anywhere in the article (:func:`scan_names`), then every
  later use of that full name or of its family name alone ("بايدن");
* the gazetteer ``lexicons/entities.txt`` of well-known organisations, people and
  places with their aliases ("تنظيم الدولة الإسلامية" is "داعش");
* sites by pattern: "قاعدة X" (+ "الجوية") is a base, "مطار X" is the city X.

A mention's alias is the text as written without a leading و/ب/ل clitic, so
"وبايدن" adds nothing new and "كتائب "حزب الله"" keeps its quote marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from marsad.text.arabic import key_span_to_text, match_key
from marsad.text.claims.entities import ArticleNames, entity_key
from marsad.text.tokens import Line, Token, read_lexicon

PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب")
BASE = match_key("قاعدة")
AIR = match_key("الجوية")
AIRPORT = match_key("مطار")
GENERIC_HEADS = frozenset(match_key(w) for w in ("تنظيم", "حركة", "جماعة"))
FOLDED = -1  # a clitic that merged with ال
QUOTE_MARKS = '"“”«»„'


@dataclass(frozen=True)
class Mention:
    kind: str  # PERSON, ORG or LOC
    name: str  # canonical display name
    key: str  # what the entity is stored under
    start: int  # span in the article text
    end: int
    alias: str  # as written, without a leading clitic


@cache
def gazetteer() -> dict[tuple[str, ...], tuple[str, str]]:
    """Key words of every name and alias -> (type, canonical name)."""
    table: dict[tuple[str, ...], tuple[str, str]] = {}
    for line in read_lexicon("entities.txt"):
        head, _, rest = line.partition(":")
        kind, canonical = head.split(maxsplit=1)
        for form in [canonical, *rest.split("|")]:
            words = _words(form)
            if words:
                table.setdefault(words, (kind, canonical.strip()))
    return table


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in match_key(text).replace('"', " ").split() if w)


@cache  # asked at every word of every line, again by _site_at: a few thousand words
def _forms(word: str) -> tuple[tuple[str, int], ...]:
    """A key word without each clitic it may carry, with the clitic's length."""
    forms = []
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            forms.append((word[len(prefix) :], len(prefix)))
    if word.startswith("لل") and len(word) > 4:
        forms.append(("ال" + word[2:], FOLDED))  # ل + ال: للعراق has no clean alias
    return tuple(forms)


def find_mentions(lines: list[Line], names: ArticleNames) -> list[Mention]:
    people: dict[tuple[str, ...], tuple[str, str]] = {}
    for name, shown in names.names.items():
        people[name] = ("PERSON", shown)
        people.setdefault(name[-1:], ("PERSON", shown))  # "بايدن" alone
    table = {**people, **gazetteer()}  # the gazetteer knows better than a title
    longest = dict(_gazetteer_longest())
    for name in people:
        longest[name[0]] = max(longest.get(name[0], 0), len(name))
    found: list[Mention] = []
    for line in lines:
        found.extend(_line_mentions(line, table, longest))
    return found


@cache
def _gazetteer_longest() -> dict[str, int]:
    """First key word of a gazetteer name -> the most words a name starting so has."""
    longest: dict[str, int] = {}
    for words in gazetteer():
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


def _line_mentions(
    line: Line, table: dict[tuple[str, ...], tuple[str, str]], longest: dict[str, int]
) -> list[Mention]:
    words = [(i, t) for i, t in enumerate(line.tokens) if t.kind == "word"]
    found: list[Mention] = []
    position = 0
    while position < len(words):
        match = _match_at(line, words, position, table, longest) or _site_at(line, words, position)
        if match is None:
            position += 1
            continue
        mention, used = match
        found.append(mention)
        position += used
    return found


def _match_at(
    line: Line,
    words: list[tuple[int, Token]],
    position: int,
    table: dict[tuple[str, ...], tuple[str, str]],
    longest: dict[str, int],
) -> tuple[Mention, int] | None:
    tokens = line.tokens
    # Only the forms some name starts with, and no more words than the longest such
    # name: most words start none, and are done without building a chunk.
    forms = [form for form in _forms(tokens[words[position][0]].text) if form[0] in longest]
    if not forms:
        return None
    most = max(longest[first] for first, _ in forms)
    for size in range(min(most, len(words) - position), 0, -1):
        chunk = [tokens[i].text for i, _ in words[position + 1 : position + size]]
        for first, skip in forms:
            hit = table.get((first, *chunk))
            if hit is None:
                continue
            first_index = words[position][0]
            last_index = words[position + size - 1][0]
            if last_index - first_index > size + 1:
                continue  # too much punctuation in between: not one name
            # A closing quote right after the name belongs to it: كتائب "حزب الله".
            if last_index + 1 < len(tokens) and tokens[last_index + 1].kind == "quote":
                pair = line.quote_of.get(last_index)
                if pair is not None and pair[0] > first_index:
                    last_index += 1
            return _mention(line, hit, first_index, last_index, skip), size
    return None


def _site_at(
    line: Line, words: list[tuple[int, Token]], position: int
) -> tuple[Mention, int] | None:
    if position + 1 >= len(words):
        return None
    tokens = line.tokens
    (first_index, _), (next_index, _) = words[position], words[position + 1]
    if next_index != first_index + 1:
        return None
    for head, skip in _forms(tokens[first_index].text):
        if head == BASE:
            last, used = next_index, 2
            if position + 2 < len(words) and tokens[words[position + 2][0]].text == AIR:
                last, used = words[position + 2][0], 3
            mention = _mention(line, ("LOC", ""), first_index, last, skip)
            # "قاعدة بلد" and "قاعدة بلد الجوية" are one base: the key leaves out الجوية.
            key = f"{head} {tokens[next_index].text}"
            return Mention(
                "LOC", mention.alias, key, mention.start, mention.end, mention.alias
            ), used
        if head == AIRPORT:
            # The gold and readers treat "مطار أربيل" as a way of naming أربيل.
            mention = _mention(line, ("LOC", ""), first_index, next_index, skip)
            city = _mention(line, ("LOC", ""), next_index, next_index, 0).alias
            key = entity_key("LOC", city)
            return Mention("LOC", city, key, mention.start, mention.end, mention.alias), 2
    return None


def _mention(line: Line, hit: tuple[str, str], first: int, last: int, skip: int) -> Mention:
    kind, name = hit
    start, end = line.span(first, last)
    token = line.tokens[first]
    if skip > 0:
        clitic_end, _ = key_span_to_text(line.offsets, token.start + skip, token.end)
        alias_start = line.base + clitic_end
    else:
        alias_start = start
    alias = line.text[alias_start - line.base : end - line.base]
    for mark in QUOTE_MARKS:  # "تنظيم “داعش”" is the alias "تنظيم داعش"
        alias = alias.replace(mark, " ")
    alias = " ".join(alias.replace("\u0640", "").split())
    if skip == FOLDED:
        alias = name or alias
    name = name or alias
    return Mention(kind, name, entity_key(kind, name), start, end, alias)


def extra_aliases(mention: Mention) -> list[str]:
    """Other names a mention gives its entity: "تنظيم الدولة الإسلامية" is also
    "الدولة الإسلامية" (a generic head names the organisation, it is not part of it)."""
    words = mention.alias.split()
    if len(words) > 1 and match_key(words[0]) in GENERIC_HEADS:
        return [" ".join(words[1:])]
    return []
