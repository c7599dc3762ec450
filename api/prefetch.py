"""Loading a page's related rows before its items are resolved, so they resolve at once.

A resolver that awaits a data loader costs graphql-core an asyncio task, and a page
of 50 articles with their claims and links asks for hundreds of them: more time than
the queries themselves. So a page resolver looks at what the query selects below its
items and fills the request's loaders for the whole page, one query per kind of row;
the resolvers below then find their rows in the loaders' caches and answer
synchronously (:func:`now_or_later`), and fall back to the loader as usual when the
page did not load ahead (an article reached through a claim, say). The page's rows
and those read ahead come from one session in one worker thread: one transaction and
one hop between threads instead of one per kind of row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from graphql import FieldNode
from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from marsad.core import models as db

if TYPE_CHECKING:
    from marsad.api.context import Info
    from marsad.api.loaders import Loaders, QueryLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


def loaded(loader: DataLoader[K, V], key: K) -> V | Awaitable[V]:
    """The loader's value for ``key`` if it is already loaded, else the loader's awaitable."""
    future = loader.cache_map.get(key)
    done = future is not None and future.done() and not future.cancelled()
    if done and future is not None and future.exception() is None:
        return future.result()
    return loader.load(key)


def now_or_later(value: V | Awaitable[V], convert: Callable[[V], T]) -> T:
    """``convert(value)``, now when ``value`` is loaded, else once it is.

    Typed as returning ``T`` because that is what the field declares to Strawberry;
    graphql-core awaits a resolver's result whenever it is awaitable, so a synchronous
    resolver may return either.
    """
    if isawaitable(value):
        pending = cast(Awaitable[V], value)

        async def later() -> T:
            return convert(await pending)

        return cast(T, later())
    return convert(value)


ONLY_ID = frozenset({"id", "__typename"})


def asks_only_id(info: Info) -> bool:
    """Whether the field being resolved selects nothing of its object but ``id`` (and
    ``__typename``), plainly: no fragment, no directive. A link knows the id of the
    row at its other end, so such a field is answered without reading that row."""
    for node in info._raw_info.field_nodes:
        if node.selection_set is None:
            return False
        for selection in node.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                return False
            if selection.name.value not in ONLY_ID:
                return False
    return True


def only_id_below(paths: set[str], at: str) -> bool:
    """Whether ``paths`` select nothing below ``at`` but its ``id`` (and ``__typename``)."""
    below = {path[len(at) + 1 :] for path in paths if path.startswith(at + ".")}
    return below <= ONLY_ID


def selected_paths(info: Info) -> set[str]:
    """Every field selected below the current one, as dotted paths of field names
    (``edges.node.claims.links.claim``), through fragments."""
    paths: set[str] = set()

    def walk(selections: Iterable[Selection], prefix: str) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                path = prefix + selection.name
                paths.add(path)
                walk(selection.selections, path + ".")
            elif isinstance(selection, FragmentSpread | InlineFragment):
                walk(selection.selections, prefix)

    for field in info.selected_fields:
        walk(field.selections, "")
    return paths


class Ahead:
    """Rows read ahead in one session, for the loaders to be primed with afterwards
    on the event loop (loaders are not thread-safe; the session is in a worker)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.primes: list[tuple[QueryLoader[Any, Any], dict[Any, Any]]] = []

    def fetch(self, loader: QueryLoader[K, V], keys: Iterable[K]) -> dict[K, V]:
        found = loader.fetch(self.session, keys)
        self.primes.append((loader, found))
        return found

    def prime(self) -> None:
        for loader, found in self.primes:
            loader.prime_many(found)


def articles_ahead(
    ahead: Ahead, loaders: Loaders, articles: Sequence[db.Article], paths: set[str], at: str
) -> None:
    """Read what ``paths`` select below ``at`` (``edges.node.``) for these articles."""
    ids = [article.id for article in articles]
    ahead.primes.append((loaders.article, {article.id: article for article in articles}))
    if at + "outlet" in paths:
        ahead.fetch(loaders.outlet, sorted({a.outlet_id for a in articles if a.outlet_id}))
    if at + "claims" in paths:
        groups = ahead.fetch(loaders.claims_by_article, ids)
        claims = [claim for group in groups.values() for claim in group]
        claims_ahead(ahead, loaders, claims, paths, at + "claims.")
    if at + "links" in paths:
        links = [
            link for group in ahead.fetch(loaders.article_links, ids).values() for link in group
        ]
        wanted: set[int] = set()
        if at + "links.article" in paths and not only_id_below(paths, at + "links.article"):
            wanted |= {end for link in links for end in (link.source_id, link.target_id)}
        if at + "links.original" in paths:
            wanted |= {link.target_id for link in links}
        ahead.fetch(loaders.article, sorted(wanted - set(ids)))


def claims_ahead(
    ahead: Ahead, loaders: Loaders, claims: Sequence[db.Claim], paths: set[str], at: str
) -> None:
    """Read what ``paths`` select below ``at`` (``...claims.``) for these claims."""
    ids = [claim.id for claim in claims]
    ahead.primes.append((loaders.claim, {claim.id: claim for claim in claims}))
    if at + "links" in paths:
        groups = ahead.fetch(loaders.claim_links, ids)
        links = [link for group in groups.values() for link in group]
        if at + "links.claim" in paths and not only_id_below(paths, at + "links.claim"):
            others = {end for link in links for end in (link.source_id, link.target_id)}
            ahead.fetch(loaders.claim, sorted(others - set(ids)))
    if at + "speaker" in paths:
        ahead.fetch(loaders.speaker, sorted({c.speaker_id for c in claims if c.speaker_id}))


def read_ahead(info: Info, session: Session, articles: Sequence[db.Article], at: str) -> Ahead:
    """In a worker thread: what the query selects below ``at`` for these articles."""
    ahead = Ahead(session)
    articles_ahead(ahead, info.context.loaders, articles, selected_paths(info), at)
    return ahead
