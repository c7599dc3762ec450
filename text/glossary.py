"""English for Arabic news words and names, from ``lexicons/glossary_en.txt``.

The offline translation engine reads running text with it; labels (a dispute's "number
of rockets at the Green Zone") look up one phrase. Phrases are matched on match keys,
so spelling variants of one word find the same entry.
"""

from __future__ import annotations

from functools import cache

from marsad.text.arabic import match_key
from marsad.text.tokens import read_lexicon

GLOSSARY_FILE = "glossary_en.txt"


@cache
def glossary() -> dict[tuple[str, ...], str]:
    """Glossary phrases as tuples of key words, with their English."""
    phrases: dict[tuple[str, ...], str] = {}
    for line in read_lexicon(GLOSSARY_FILE):
        arabic, _, english = line.partition("=")
        phrases[tuple(match_key(arabic).split())] = english.strip()
    return phrases


def english(phrase: str) -> str | None:
    """The English of a whole phrase, or None when the glossary does not have it; a
    phrase written with ال finds an entry written without it ("the ..." is added)."""
    words = tuple(match_key(phrase).split())
    if not words:
        return None
    found = glossary().get(words)
    if found is None and words[0].startswith("ال") and len(words[0]) > 3:
        bare = glossary().get((words[0][2:], *words[1:]))
        if bare is not None:
            found = bare if bare.startswith("the ") else f"the {bare}"
    return found
