"""The structure of a news text: title, subtitle, date, dateline, captions and body.

Works on plain text as outlets and scrapers leave it: one paragraph per line, the
page's furniture (comment forms, keyword blocks, related articles, share counters,
captions) mixed in. Every line kept out of the body is returned with the reason, so
a reader can see what was removed and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from marsad.text.arabic import match_key
from marsad.text.dates import FoundDate, find_date, is_date_line

# A line ends a sentence when it ends with one of these (after closing quotes).
_SENTENCE_END = re.compile(r"[.!?؟:…][\"”»’)\]]*$")
_WORDS = re.compile(r"\S+")

MAX_CAPTION_WORDS = 15
MAX_SUBTITLE_WORDS = 60
MIN_SUBTITLE_WORDS = 6
# A dateline names a place, a reporter or an agency; anything longer is not one.
MAX_DATELINE_CHARS = 200

# C0 control characters other than tab, newline and carriage return are dropped:
# PostgreSQL refuses NUL in text, and SaudiNewsNet has stray SUB (0x1A) characters.
# The ones str.splitlines() takes as line ends (VT, FF, FS, GS, RS) become newlines,
# so the lines stay as they were.
_LINE_ENDS = "\x0b\x0c\x1c\x1d\x1e"
_CONTROLS = {
    code: ("\n" if chr(code) in _LINE_ENDS else None)
    for code in range(0x20)
    if chr(code) not in "\t\n\r"
}


def clean_controls(text: str) -> str:
    """``text`` without control characters (see ``_CONTROLS``)."""
    return text.translate(_CONTROLS)


def _key(line: str) -> str:
    return match_key(line).strip(" :.-|")


# Lines that start the page furniture after the article: they and every line after
# them are removed, with the reason given for the marker and for what follows.
_TAIL_MARKERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^(?:ال)?كلمات مفتاحيه$|^(?:ال)?وسوم$|^tags$"), "keywords", "related"),
    (
        re.compile(r"^اترك (?:ردا?|تعليقا)$|^اضف تعليق|^لن يتم نشر عنوان بريدك"),
        "comment_form",
        "comment_form",
    ),
    (
        re.compile(r"^(?:اقرا ايضا|اقرا المزيد|مواضيع ذات صله|اخبار ذات صله|ذات صله)$"),
        "related",
        "related",
    ),
)
# Single lines that are furniture wherever they stand.
_JUNK_LINES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[\W_]*$"), "punctuation"),
    (re.compile(r"^array$"), "scraper_artifact"),
    (
        re.compile(r"^(?:\d+\s*)?(?:تعليق|تعليقات|مشاهده|مشاهدات|مشاركه|شارك|طباعه)(?:\s*\d+)?$"),
        "counter",
    ),
    (re.compile(r"^//\s*(?:انتهي|يتبع)\s*//$"), "wire_marker"),
    (re.compile(r"^\d{1,2}[:.]\d{2}\s*(?:ت\s*م|ت م|بتوقيت.*)$"), "wire_time"),
    (re.compile(r"^رابط الخبر بصحيفه"), "source_link"),
)
_COUNTER = re.compile(r"^[\d\u0660-\u0669]{1,6}$")  # a share or comment count left alone
_ATTRIBUTION = re.compile(r"^المصدر\s*[|:]\s*(?P<outlet>.{2,60})$")
# "واشنطن – اتفق ...", "عبدالله الراجحي- سبق- جدة: ذكرت ..."
_INLINE_DATELINE = re.compile(
    r"^(?P<place>[^\d\s.،,:\"“”«]+(?:\s+[^\d\s.،,:\"“”«]+){0,3})\s*[–—-]\s+(?=\S)"
)
_BYLINE_COLON = re.compile(r"^(?P<place>[^:.،\"“”«]{2,60}?[–—-][^:.،\"“”«]{0,40}?):\s+(?=\S)")
_DATELINE_LINE = re.compile(r"^[^\d.،,:\"“”«]{2,40}\s[–—-]\s?[^\d.،,:\"“”«]{2,40}$")
_WIRE_SUFFIX = re.compile(r"\(?\s*(?:واس|ا ف ب|رويترز|د ب ا|قنا|وام|كونا|بنا)\s*\)?$")
_TAGS_TAIL = re.compile(r"\s+سمات\s+(?P<tags>[^.؟!]{2,300})$")


@dataclass(frozen=True)
class Removed:
    text: str
    reason: str


@dataclass
class ParsedText:
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    published: FoundDate | None = None  # the date the text carries, with or without a time
    outlet: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)

    def drop(self, text: str, reason: str) -> None:
        self.removed.append(Removed(text, reason))


def _words(line: str) -> int:
    return len(_WORDS.findall(line))


def _is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def parse_text(body: str, *, title: str | None = None, title_first: bool = False) -> ParsedText:
    """Split ``body`` (one paragraph per line) into its parts.

    With ``title_first`` (plain-text files) the first non-empty line is the title;
    otherwise the title is ``title``, which records and pages carry separately.
    """
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    result = ParsedText(title=title.strip() if title and title.strip() else None)
    if title_first and lines:
        result.title = lines.pop(0)

    lines = _cut_tail(lines, result)
    lines = _drop_junk(lines, result)
    lines = _read_header(lines, result)
    _read_dateline(lines, result)
    _strip_tags_tail(lines, result)
    result.paragraphs = _drop_repeats(lines, result)
    return result


def _cut_tail(lines: list[str], result: ParsedText) -> list[str]:
    for index, line in enumerate(lines):
        key = _key(line)
        for pattern, reason, rest_reason in _TAIL_MARKERS:
            if pattern.search(key):
                result.drop(line, reason)
                for rest in lines[index + 1 :]:
                    result.drop(rest, rest_reason)
                return lines[:index]
    return lines


def _drop_junk(lines: list[str], result: ParsedText) -> list[str]:
    kept = []
    for line in lines:
        key = _key(line)
        attribution = _ATTRIBUTION.match(line)
        if attribution and _words(line) <= 10:
            result.outlet = result.outlet or attribution["outlet"].strip()
            result.drop(line, "attribution")
            continue
        if _COUNTER.match(line):
            result.drop(line, "counter")
            continue
        reason = next((reason for pattern, reason in _JUNK_LINES if pattern.search(key)), None)
        if reason is None:
            kept.append(line)
        else:
            result.drop(line, reason)
    return kept


def _read_header(lines: list[str], result: ParsedText) -> list[str]:
    """Consume the lines between the title and the first body paragraph."""
    index = 0
    while index < len(lines):
        line = lines[index]
        words = _words(line)
        if _is_dateline(line):
            break
        if is_date_line(line):
            found = find_date(line)
            if result.published is None and found is not None:
                result.published = found
            result.drop(line, "date")
        elif (
            index == 0
            and result.subtitle is None
            and _is_sentence(line)
            and MIN_SUBTITLE_WORDS <= words <= MAX_SUBTITLE_WORDS
            and index + 1 < len(lines)
            and _looks_like_header(lines[index + 1 :])
        ):
            result.subtitle = line
        elif words <= MAX_CAPTION_WORDS and not _is_sentence(line) and _body_follows(lines, index):
            result.drop(line, "caption")
        else:
            break
        index += 1
    return lines[index:]


def _looks_like_header(rest: list[str]) -> bool:
    """Whether a subtitle candidate is followed by the rest of a header.

    A one-sentence lead paragraph is not a subtitle. A subtitle is followed by a date
    line, or by at most two captions and then a paragraph that opens with a dateline.
    """
    for line in rest[:3]:
        if is_date_line(line) or _is_dateline(line) or _INLINE_DATELINE.match(line):
            return True
        if _words(line) > MAX_CAPTION_WORDS or _is_sentence(line):
            return False
    return False


def _is_dateline(line: str) -> bool:
    """A line of its own naming place, reporter or agency: "عين اليوم – جدة", wire lines."""
    if _words(line) > 16:
        return False
    wire = find_date(line) is not None and _WIRE_SUFFIX.search(match_key(line)) is not None
    return wire or (_DATELINE_LINE.match(line) is not None and _words(line) <= 8)


def _body_follows(lines: list[str], index: int) -> bool:
    # A short unpunctuated line is a caption only in the header, before a real
    # paragraph; inside the body it is a subheading and stays.
    return any(
        _words(line) > MAX_CAPTION_WORDS or _is_sentence(line) for line in lines[index + 1 :]
    )


def _read_dateline(lines: list[str], result: ParsedText) -> None:
    if not lines:
        return
    first = lines[0]
    found = find_date(first)
    if found is not None and _is_dateline(first):
        # "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس": place, date, agency.
        place = re.split(r"\s*[\d\u0660-\u0669]", first, maxsplit=1)[0].strip(" -–—")
        if len(place) <= MAX_DATELINE_CHARS:
            result.dateline = place or None
            if result.published is None:
                result.published = found
            result.drop(first, "dateline")
            del lines[0]
            return
    if _is_dateline(first) and len(first) <= MAX_DATELINE_CHARS:
        result.dateline = first
        result.drop(first, "dateline")
        del lines[0]
        return
    for pattern in (_BYLINE_COLON, _INLINE_DATELINE):
        match = pattern.match(first)
        if match and len(place := match["place"].strip(" -–—")) <= MAX_DATELINE_CHARS:
            result.dateline = place
            lines[0] = first[match.end() :].strip()
            return


def _strip_tags_tail(lines: list[str], result: ParsedText) -> None:
    # Some scrapes glue the page's tag list ("سمات ...") to the last paragraph.
    if not lines:
        return
    match = _TAGS_TAIL.search(lines[-1])
    if match and _is_sentence(lines[-1][: match.start()].strip()):
        result.drop(match["tags"].strip(), "keywords")
        lines[-1] = lines[-1][: match.start()].strip()


def _drop_repeats(lines: list[str], result: ParsedText) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if kept and line == kept[-1]:
            result.drop(line, "repeated_heading")
        elif line:
            kept.append(line)
    return kept
