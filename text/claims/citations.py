"""The citation chain of a claim: the article's outlet -> the cited source -> the speaker.

One citation per attributed claim, naming the outermost source the article gives:

* an outlet or agency named as the source ("بحسب موقع RT", "في بيان تلقته وكالة
  الأنباء العراقية", "حسبما أفاد مراسل سكاي نيوز عربية") - kind site, agency, tv,
  newspaper or correspondent after its head word;
* else the channel (the vocabulary of :mod:`marsad.text.claims.statements`: statement,
  tweet, press_conference, interview, agency, tv, newspaper, session): a tweet is
  sourced to "تويتر"; a statement, a session, a press conference or an interview with
  the outlet's reporter to whoever spoke (kinds statement, session, press and
  correspondent); words told to an agency, a channel or a newspaper that is not named
  as the source stay the speaker's own;
* else the speaker itself: an organisation (official), a person, or an anonymous
  source ("مصدر أمني").

Counts inside an attributed sentence ("بحسب الجيش العراقي") carry the same citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.text.arabic import match_key
from marsad.text.claims.entities import EntityRef
from marsad.text.tokens import bare, keys

TWITTER = "تويتر"
MEDIA_KINDS: dict[str, str] = {
    bare(match_key(word)): kind
    for word, kind in (
        ("وكالة", "agency"),
        ("موقع", "site"),
        ("قناة", "tv"),
        ("شبكة", "tv"),
        ("صحيفة", "newspaper"),
        ("مراسل", "correspondent"),
        ("مراسلنا", "correspondent"),
    )
}
CHANNEL_KINDS = {
    "statement": "statement",
    "session": "session",
    "press_conference": "press",
    "interview": "correspondent",
}
ANONYMOUS = keys("مصدر مصادر مسؤول مسؤولون مسؤولين شهود مصدرا")


@dataclass(frozen=True)
class CitationDraft:
    source: str
    kind: str
    speaker: EntityRef | None  # the entity that spoke, when there is one
    speaker_text: str | None
    start: int
    end: int


def media_kind(text: str) -> str | None:
    """The kind of outlet a phrase starts with ("موقع RT" -> site), if it does."""
    words = match_key(text).split()
    return MEDIA_KINDS.get(bare(words[0])) if words else None


def cite(
    *,
    speaker: EntityRef | None,
    speaker_text: str | None,
    channel: str | None,
    cited_source: str | None,
    span: tuple[int, int],
) -> CitationDraft | None:
    """The citation of one attributed claim, or None when nothing is attributed."""
    start, end = span
    if cited_source:
        kind = (
            media_kind(speaker_text or "")
            or media_kind(cited_source)
            or ("agency" if channel in (None, "agency", "statement") else "site")
        )
        return CitationDraft(cited_source, kind, speaker, speaker_text, start, end)
    if channel == "tweet":
        return CitationDraft(TWITTER, "tweet", speaker, speaker_text, start, end)
    source = speaker.name if speaker is not None else speaker_text
    if source is None:
        return None
    if channel in CHANNEL_KINDS:
        kind = CHANNEL_KINDS[channel]
    elif speaker_text and bare(match_key(speaker_text).split()[0]) in _ANONYMOUS_BARE:
        kind = "anonymous"
    elif speaker is not None and speaker.type == "PERSON":
        kind = "person"
    else:
        kind = "official"
    return CitationDraft(source, kind, speaker, speaker_text, start, end)


_ANONYMOUS_BARE = frozenset(bare(word) for word in ANONYMOUS)
