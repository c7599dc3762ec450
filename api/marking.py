"""Text with spans marked, as HTML: claims, quantities, attributions, shared passages.

Spans may overlap (a number inside a quoted statement, a quote inside a passage taken
from the wire), so the text is cut at every span's start and end and each piece
carries the classes of all the spans that cover it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css_class: str  # what it is: "quantity", "statement", "attribution", "shared"
    title: str = ""  # shown on hover
    anchor: str = ""  # an id for the piece where the span begins, to link to it


def marked(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with every span's pieces in ``<span class=...>``."""
    kept = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    pieces: list[str] = []
    for begin, end in pairwise(cuts):
        piece = escape(text[begin:end])
        covering = [s for s in kept if s.start <= begin and end <= s.end]
        if not covering:
            pieces.append(piece)
            continue
        classes = " ".join(sorted({s.css_class for s in covering}))
        titles = " · ".join(dict.fromkeys(s.title for s in covering if s.title))
        anchors = [s.anchor for s in covering if s.anchor and s.start == begin]
        anchor = f' id="{escape(anchors[0])}"' if anchors else ""
        pieces.append(
            f'<span class="{escape(classes)}" title="{escape(titles)}"{anchor}>{piece}</span>'
        )
    return Markup("".join(pieces))


def highlighted(text: str, ranges: Iterable[tuple[int, int]]) -> Markup:
    """``text`` escaped, with the ranges in ``<mark>`` (search matches)."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(ranges):
        if start < done:
            continue
        pieces += [escape(text[done:start]), f"<mark>{escape(text[start:end])}</mark>"]
        done = end
    pieces.append(escape(text[done:]))
    return Markup("".join(pieces))
