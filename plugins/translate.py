"""The ``translate`` stage and the built-in offline engine.

Real engines are plugins implementing ``marsad_register_translators``; the built-in
``offline-transliteration`` engine needs no network or model. It is deterministic:
it glosses a small dictionary of frequent news words and transliterates the rest,
which is enough to read names and to test the path end to end.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete

from marsad.core import Article, Stage, StageContext, Translation, Translator, hookimpl

TARGET_LANGUAGES = ("en",)

_LETTERS = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "aa",
    "ء": "'",
    "ؤ": "'",
    "ئ": "'",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "'",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "w",
    "ي": "y",
    "ى": "a",
    "ة": "a",
    "،": ",",
    "؛": ";",
    "؟": "?",
}
_GLOSSARY = {
    "قال": "said",
    "وقال": "and said",
    "أكد": "affirmed",
    "أعلن": "announced",
    "الرئيس": "the president",
    "رئيس": "head",
    "الوزراء": "ministers",
    "العراق": "Iraq",
    "العراقي": "Iraqi",
    "العراقية": "Iraqi",
    "بغداد": "Baghdad",
    "واشنطن": "Washington",
    "الأمريكي": "American",
    "الأميركي": "American",
    "البيت": "house",
    "الأبيض": "white",
    "صواريخ": "rockets",
    "صاروخ": "rocket",
    "في": "in",
    "على": "on",
    "من": "from",
    "إلى": "to",
    "مع": "with",
    "أن": "that",
}
_DIGITS = {chr(0x0660 + d): str(d) for d in range(10)}


def _word(word: str) -> str:
    if word in _GLOSSARY:
        return _GLOSSARY[word]
    return "".join(_LETTERS.get(ch, _DIGITS.get(ch, ch)) for ch in word)


class OfflineTranslator(Translator):
    name = "offline-transliteration"

    def supports(self, source: str | None, target: str) -> bool:
        return source == "ar" and target == "en"

    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        return [" ".join(_word(word) for word in text.split()) for text in texts]


class Translate(Stage):
    name = "translate"
    after = ("extract",)
    version = "0.1.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        ctx.session.execute(delete(Translation).where(Translation.article_id == article.id))
        engines: list[Translator] = [
            engine for engines in ctx.hook.marsad_register_translators() for engine in engines
        ]
        for target in TARGET_LANGUAGES:
            if article.language == target:
                continue
            engine = next((e for e in engines if e.supports(article.language, target)), None)
            if engine is None:
                continue
            items: list[tuple[str, int, str]] = []
            if article.title:
                items.append(("title", 0, article.title))
            items += [("paragraph", p.position, p.text) for p in article.paragraphs]
            items += [("claim", claim.id, claim.text) for claim in article.claims]
            translated = engine.translate([text for _, _, text in items], article.language, target)
            ctx.session.add_all(
                Translation(
                    article_id=article.id,
                    field=field,
                    position=position,
                    language=target,
                    engine=engine.name,
                    text=text,
                )
                for (field, position, _), text in zip(items, translated, strict=True)
            )


@hookimpl
def marsad_register_translators() -> list[Translator]:
    return [OfflineTranslator()]


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Translate()]
