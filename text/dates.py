"""Publication dates as Arabic news outlets write them.

Covers Egyptian/Gulf month names (فبراير), Levantine ones (شباط, كانون الثاني), the
Maghrebi ones (فيفري), numeric dates (2021/02/24, 24-02-2021), Eastern Arabic digits,
an optional weekday and time with ص/م (AM/PM), and the Saudi wire's Hijri date
followed by its Gregorian equivalent (``25 شوال 1436 هـ الموافق 10 أغسطس 2015 م``).
General date libraries tried here miss the Levantine names and Eastern digits.
Times that records and pages give as metadata (ISO 8601, RFC 822) are read by
:func:`parse_time`, when they are read in and again when they are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from marsad.text.arabic import WORD, match_key

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "يناير كانون_الثاني جانفي",
        "فبراير شباط فيفري",
        "مارس آذار اذار",
        "أبريل ابريل إبريل نيسان أفريل",
        "مايو أيار ايار ماي",
        "يونيو يونيه حزيران جوان",
        "يوليو يوليه تموز جويلية",
        "أغسطس اغسطس آب اب أوت اوت",
        "سبتمبر أيلول ايلول",
        "أكتوبر اكتوبر تشرين_الأول",
        "نوفمبر تشرين_الثاني",
        "ديسمبر كانون_الأول",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[match_key(_name.replace("_", " "))] = _number

_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")
# A weekday also comes with a conjunction or preposition before it (والخميس, بالسبت).
_WEEKDAY_CLITICS = ("", "و", "ف", "ب", "وب")
_WEEKDAY_WORDS = {
    clitic + name: number for number, name in enumerate(_WEEKDAYS) for clitic in _WEEKDAY_CLITICS
}
# Longest names first so "كانون الثاني" is not read as a bare "كانون".
_MONTH_ALTERNATION = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# After the date: a space, a dash or a comma, and "الساعة" at times ("2021/02/24 الساعة
# 10:05", "24 فبراير 2021 - 10:05", "24 فبراير 2021، 10:05 مساء").
_TIME = (
    r"(?:(?:\s*[-–,]\s*|\s+)(?:الساعه\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
    r"(?:\s*(?P<ampm>ص|م|صباحا|مساء|مساءا|am|pm))?)?"
)

_WORDY = re.compile(
    rf"(?P<day>\d{{1,2}})\s*(?:/\s*)?(?P<month>{_MONTH_ALTERNATION})(?:\s*/\s*[^\d]+?)?"
    rf"\s*,?\s*(?P<year>\d{{4}}){_TIME}"
)
_YMD = re.compile(rf"(?P<year>\d{{4}})[/.-](?P<month>\d{{1,2}})[/.-](?P<day>\d{{1,2}}){_TIME}")
_DMY = re.compile(rf"(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}){_TIME}")
_HIJRI_THEN_GREGORIAN = re.compile(r"\d{4}\s*ه[ـ]?\s*(?:الموافق|موافق)\s*")


@dataclass(frozen=True)
class FoundDate:
    value: datetime
    has_time: bool


def find_date(text: str) -> FoundDate | None:
    """The first Gregorian date (with its time, if written) in a short piece of text."""
    key = match_key(text)
    hijri = _HIJRI_THEN_GREGORIAN.search(key)
    if hijri:  # the Gregorian date follows "الموافق"
        key = key[hijri.end() :]
    for pattern in (_WORDY, _YMD, _DMY):
        match = pattern.search(key)
        if match is None:
            continue
        month_text = match["month"]
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
        found = _build(int(match["year"]), month, int(match["day"]), match)
        if found is not None:
            return found
    return None


def _build(year: int, month: int, day: int, match: re.Match[str]) -> FoundDate | None:
    hour = minute = 0
    has_time = match["hour"] is not None
    if has_time:
        hour, minute = int(match["hour"]), int(match["minute"])
        marker = (match["ampm"] or "").lower()
        if marker in {"م", "مساء", "مساءا", "pm"} and hour < 12:
            hour += 12
        elif marker in {"ص", "صباحا", "am"} and hour == 12:
            hour = 0
    try:
        return FoundDate(datetime(year, month, day, hour, minute), has_time)
    except ValueError:  # 31 فبراير, 25:00 and the like are not dates
        return None


def weekdays_named(text: str) -> frozenset[int]:
    """The weekdays a text names (يوم الخميس, أمس السبت, والجمعة), 0 for Sunday to 6
    for Saturday; spelling variants (hamza, ta marbuta) read alike."""
    return frozenset(
        _WEEKDAY_WORDS[word] for word in WORD.findall(match_key(text)) if word in _WEEKDAY_WORDS
    )


def is_date_line(text: str) -> bool:
    """Whether a whole line is a date (with optional weekday, time and Hijri date)."""
    key = match_key(text)
    if find_date(text) is None or len(key) > 80:
        return False
    leftover = re.sub(r"[\d/:.,\-–]+|\b(?:ص|م|هـ|ه|الموافق|مساء|صباحا)\b", " ", key)
    leftover = re.sub(_MONTH_ALTERNATION, " ", leftover)
    words = [w for w in leftover.split() if w not in _WEEKDAYS]
    return len(words) <= 1


def time_is_given(value: object) -> bool:
    """Whether source metadata read by :func:`parse_time` gives a time of day, not only
    a date (``2021-02-24``, ``20210224``); RFC 822 always has a time."""
    try:
        date.fromisoformat(str(value).strip())
    except ValueError:
        return True
    return False


def published_text(moment: datetime) -> str:
    """A time as ``published`` text that :func:`parse_time` and :func:`time_is_given`
    read back: ISO 8601, and the date alone for a naive midnight. That is how a date
    given without a time comes out of libraries that know only datetimes (the date
    search of trafilatura, GraphQL's ``DateTime``), and it is recorded as known to
    the day only; a midnight with an offset (``2021-02-24T00:00:00Z``) stays a time."""
    if moment.tzinfo is None and moment.time() == time():
        return moment.date().isoformat()
    return moment.isoformat()


def latest_moment(published_at: datetime, time_known: bool | None) -> datetime:
    """The latest moment an article is known to have been out: its publication time, or
    the last moment of its day when the source gave only the day.

    A date with no time is stored as that day's midnight, so comparing it as given
    would put a report dated "24 February" ahead of one stamped 03:34 that day. Ordering
    by this moment never credits a day-only report as first over a timed report of its
    day, and ``latest_moment(a) < b.published_at`` holds only where ``a`` surely came
    out before ``b``. ``None`` (not recorded) counts as a given time.
    """
    if time_known is False:
        return published_at + timedelta(days=1) - timedelta(microseconds=1)
    return published_at


def parse_time(value: object) -> datetime | None:
    """ISO 8601 or RFC 822 text to an aware datetime (naive times are taken as UTC)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ValueError(f"unreadable publication time {text!r}") from None
    try:
        # In UTC here, as it is stored: a time at the calendar's end with an offset
        # (9999-12-31T23:00-05:00) has no UTC equivalent.
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"unreadable publication time {text!r} (out of range)") from None
