"""Ages of people as news reports write them.

A report about a person gives their age beside what happened to them ("وافد يبلغ من
العمر 32 عاما", "طفل (5 أعوام)", "البالغة 28 سنة"). Two reports of one event agree
on it; two reports of one template about two people (the day's new MERS case, a
second victim) do not, so the cluster stage compares the ages two articles name.
Only written digits (Arabic or Eastern) count, and only where the words around say
"age": a number of years alone ("منذ 30 عاما", "for 30 years") is not an age.
"""

from __future__ import annotations

import re

from marsad.text.arabic import match_key

# As match keys: hamza folded (أعوام -> اعوام), ta marbuta as ha (سنة -> سنه).
_YEARS = r"(?:عاما|عام|اعوام|سنه|سنوات|سنين)"
_AGE_WORDS = r"(?:العمر|عمره|عمرها|عمرهما|عمرهم|البالغ|البالغه|البالغين|البالغان|يبلغ|تبلغ)"
_AFTER_AGE_WORD = re.compile(
    rf"(?<!\w)[وفب]?{_AGE_WORDS}(?!\w)\W*(?:من\s+العمر\W*)?(\d{{1,3}})\s*{_YEARS}(?!\w)"
)
# "وافد (28 عاماً)": an age in brackets after a person.
_IN_BRACKETS = re.compile(rf"\(\s*(\d{{1,3}})\s*{_YEARS}\s*\)")
OLDEST = 120


def ages_named(text: str) -> frozenset[int]:
    """The ages of people a text gives in digits, as whole years."""
    key = match_key(text)
    found = {int(m) for pattern in (_AFTER_AGE_WORD, _IN_BRACKETS) for m in pattern.findall(key)}
    return frozenset(age for age in found if 0 < age <= OLDEST)
