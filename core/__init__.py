"""marsad core: the plugin contract and the engine.

Plugin authors import from here and nowhere else::

    from marsad.core import Stage, StageContext, hookimpl

    class Sentiment(Stage):
        name = "sentiment"
        after = ("normalize",)

        def process(self, ctx: StageContext, article: Article) -> None:
            ...

    @hookimpl
    def marsad_register_stages():
        return [Sentiment()]

The hooks are documented in :mod:`marsad.core.hookspecs`; the tables a stage reads and
writes are the models in :mod:`marsad.core.models`, re-exported here.
"""

from marsad.core.extending import ApiField, PluginSchema
from marsad.core.hookspecs import hookimpl
from marsad.core.models import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    Citation,
    Claim,
    ClaimKind,
    ClaimLink,
    ClaimLinkKind,
    Entity,
    EntityAlias,
    EntityMention,
    MinHashSignature,
    Outlet,
    Paragraph,
    Qualifier,
    QuantityKind,
    RawInput,
    RunStatus,
    Sentence,
    StageRun,
    Story,
    StoryChange,
    TextKey,
    Translation,
    TranslationCache,
)
from marsad.core.readers import (
    RECORD_FIELDS,
    InputError,
    RawRecord,
    Reader,
    ReadOptions,
    article_record,
)
from marsad.core.settings import PluginSettings, Settings, SettingsError
from marsad.core.stages import ArticleRefused, Outcome, Stage, StageContext
from marsad.core.translation import Translator

__all__ = [
    "RECORD_FIELDS",
    "ApiField",
    "Article",
    "ArticleLink",
    "ArticleLinkKind",
    "ArticleRefused",
    "Citation",
    "Claim",
    "ClaimKind",
    "ClaimLink",
    "ClaimLinkKind",
    "Entity",
    "EntityAlias",
    "EntityMention",
    "InputError",
    "MinHashSignature",
    "Outcome",
    "Outlet",
    "Paragraph",
    "PluginSchema",
    "PluginSettings",
    "Qualifier",
    "QuantityKind",
    "RawInput",
    "RawRecord",
    "ReadOptions",
    "Reader",
    "RunStatus",
    "Sentence",
    "Settings",
    "SettingsError",
    "Stage",
    "StageContext",
    "StageRun",
    "Story",
    "StoryChange",
    "TextKey",
    "Translation",
    "TranslationCache",
    "Translator",
    "article_record",
    "hookimpl",
]
