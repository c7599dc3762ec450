"""API latency beside the SQL floor, on 100,000 articles in PostgreSQL.

The database: the first ``--base`` articles of bench/corpora.py's corpus (real
SaudiNewsNet texts) ingested and processed by every stage, then copied in SQL until
it holds ``--articles`` (each copy with its own ids, raw inputs, stories, claims,
citations and links, published some days later), then ANALYZEd. It is kept in the
database ``marsad_bench_api`` and reused when it already holds the same corpus
(``--rebuild`` makes it again, ``--drop`` removes it at the end).

The server: ``marsad``'s application under uvicorn in a process of its own (one
worker), with three more routes that answer the same questions with hand-written SQL
serialized to JSON: the floor, through the same HTTP stack. Each measurement sends
the GraphQL request and the floor request alternately on one keep-alive connection,
so both meet the same machine load, and reports p50, p95 and requests per second:

- article page: 50 articles after a random cursor, with outlet, claims (quantity,
  claim links) and article links;
- story: one story (a random one of two or more articles) with its articles and its
  disputes (slot label, values with outlets and cited sources); the floor runs the
  four statements disputes are made from and sends the rows;
- search: 20 articles for a word, ranked, with snippets; the floor runs the same
  SQL condition and rank and sends ids and titles.

Then ``--clients`` clients send a mix of the three for ``--seconds`` seconds at once;
every answer must be a 200 without GraphQL errors.

    .venv/bin/python bench/api.py [--articles 100000] [--requests 200] [--quick]

Figures go to bench/results/api.json.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from conftest import _admin_url  # noqa: E402
from corpora import write_corpus  # noqa: E402
from dedupe import machine  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402

from marsad.api.pagination import encode_cursor  # noqa: E402
from marsad.core.db import make_engine  # noqa: E402
from marsad.core.models import Base  # noqa: E402

DATABASE = "marsad_bench_api"
RESULTS = ROOT / "bench" / "results" / "api.json"
# Tables copied to grow the corpus, parents first; the others (outlets, entities) are
# shared by the copies, and those the measured queries never read are left out.
PARENT_OF_LINKS = {"claim_links": "claims", "article_links": "articles"}
COPIED = [
    "raw_inputs",
    "stories",
    "articles",
    "claims",
    "citations",
    "claim_links",
    "article_links",
]
SEARCH_WORDS = ["الرياض", "وزير", "الأمطار", "الهلال", "خادم الحرمين", "المملكه", "أمير", "النفط"]

ARTICLE_PAGE = """query ($after: String) { articles(first: 50, after: $after) { edges { node {
  id title publishedAt outlet { name }
  claims { id kind text quantity { value unit qualifier } links { kind score claim { id } } }
  links { kind score article { id } } } } } }"""
STORY = """query ($id: ID!) { story(id: $id) { id title
  articles { id title publishedAt outlet { name } }
  disputes { slot { key label } values { label citedSources outlets { name known source } } } } }"""
SEARCH = """query ($q: String!) { articles(first: 20, filter: {search: $q}) { totalCount edges {
  node { id title outlet { name } } snippets { field text highlights { start end } } } } }"""


# Building the database -------------------------------------------------------------


def database_url(admin_url: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"


def built_size(url: str) -> tuple[int, int] | None:
    """(articles, base) of the kept database, or None when it is not there or unfinished."""
    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT articles, base FROM bench_meta")).first()
        engine.dispose()
    except Exception:
        return None
    return (row.articles, row.base) if row else None


def build(admin_url: str, articles: int, base: int) -> str:
    from marsad.core.application import Marsad
    from marsad.core.plugins import make_plugins
    from marsad.core.schema import upgrade
    from marsad.core.settings import Settings

    url = database_url(admin_url)
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        files = write_corpus(Path(folder), base)
        settings = Settings(database_url=url)
        marsad = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
        report = marsad.ingest(files)
        print(f"stored {report.stored} real articles; processing them (every stage)", flush=True)
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if done % 500 < count:
                print(f"  {done}/{report.stored} in {time.monotonic() - started:.0f} s", flush=True)

        marsad.pipeline().run(report.article_ids, on_batch=progress)
        marsad.close()
    copies = -(-articles // base)
    print(f"copying them {copies - 1} times in SQL", flush=True)
    replicate(engine, copies)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_meta (articles int, base int)"))
        connection.execute(
            text("INSERT INTO bench_meta VALUES (:a, :b)"), {"a": articles, "b": base}
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    engine.dispose()
    return url


def replicate(engine: Engine, copies: int) -> None:
    """Copy the copied tables ``copies - 1`` times, every id and reference shifted."""
    tables = {name: Base.metadata.tables[name] for name in COPIED}
    with engine.begin() as connection:
        strides = {
            name: connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
            for name in COPIED
            if "id" in tables[name].c
        }
        # The trigram indexes are made again once, after the copies: faster than kept.
        indexes = (
            connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname LIKE '%_trgm'")
            )
            .scalars()
            .all()
        )
        connection.execute(
            text(
                "DROP INDEX IF EXISTS ix_articles_title_key_trgm, "
                "ix_articles_match_key_trgm, ix_claims_search_key_trgm"
            )
        )
    for copy in range(1, copies):
        with engine.begin() as connection:
            for name in COPIED:
                table = tables[name]
                columns, values = [], []
                for column in table.c:
                    columns.append(f'"{column.name}"')
                    target = next(iter(column.foreign_keys), None)
                    parent = target.column.table.name if target is not None else None
                    if column.name == "id":
                        values.append(f"id + {copy * strides[name]}")
                    elif parent in strides:
                        values.append(f'"{column.name}" + {copy * strides[parent]}')
                    elif (name, column.name) == ("raw_inputs", "sha256"):
                        values.append(f"md5(sha256 || '{copy}') || md5('{copy}' || sha256)")
                    elif (name, column.name) == ("raw_inputs", "source"):
                        values.append(f"source || '#{copy}'")
                    elif (name, column.name) == ("raw_inputs", "content"):
                        values.append("''::bytea")
                    elif column.name in ("published_at", "at"):
                        values.append(f"\"{column.name}\" + interval '{copy * 7} days'")
                    else:
                        values.append(f'"{column.name}"')
                low = (
                    f"WHERE id <= {strides[name]}"
                    if "id" in table.c
                    else (f"WHERE source_id <= {strides[PARENT_OF_LINKS[name]]}")
                )
                connection.execute(
                    text(
                        f"INSERT INTO {name} ({', '.join(columns)}) "
                        f"SELECT {', '.join(values)} FROM {name} {low}"
                    )
                )
        if copy % 10 == 0 or copy == copies - 1:
            print(f"  copy {copy}/{copies - 1}", flush=True)
    with engine.begin() as connection:
        for definition in indexes:
            connection.execute(text(definition))
        for name in COPIED:
            if "id" in tables[name].c:
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {name}"))


# The server: the application and the floor -------------------------------------------


def serve(url: str, port: int) -> None:
    import uvicorn
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from marsad.api.app import create_app, tune_garbage_collector
    from marsad.core.application import Marsad
    from marsad.core.plugins import make_plugins
    from marsad.core.settings import Settings

    settings = Settings(database_url=url)
    # The built-in plugins only, as the database was built with them.
    marsad = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    app = create_app(marsad)

    def rows(sql: str, **params: Any) -> list[dict[str, Any]]:
        with marsad.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(sql), params)]

    def article_page(after: int) -> list[dict[str, Any]]:
        articles = rows(
            "SELECT a.id, a.title, a.published_at, o.name AS outlet FROM articles a "
            "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id > :after ORDER BY a.id LIMIT 50",
            after=after,
        )
        ids = [a["id"] for a in articles]
        claims = rows(
            "SELECT id, article_id, kind, text, quantity_value, quantity_unit, qualifier "
            "FROM claims WHERE article_id = ANY(:ids) ORDER BY article_id, start, id",
            ids=ids,
        )
        claim_ids = [c["id"] for c in claims]
        claim_links = rows(
            "SELECT source_id, target_id, kind, score FROM claim_links "
            "WHERE source_id = ANY(:ids) OR target_id = ANY(:ids)",
            ids=claim_ids,
        )
        article_links = rows(
            "SELECT source_id, target_id, kind, score FROM article_links "
            "WHERE source_id = ANY(:ids) OR target_id = ANY(:ids)",
            ids=ids,
        )
        by_claim: dict[int, list[dict[str, Any]]] = {i: [] for i in claim_ids}
        for link in claim_links:
            for end, other in (("source_id", "target_id"), ("target_id", "source_id")):
                if link[end] in by_claim:
                    by_claim[link[end]].append(
                        {"kind": link["kind"], "score": link["score"], "claim": link[other]}
                    )
        by_article: dict[int, dict[str, list[Any]]] = {i: {"claims": [], "links": []} for i in ids}
        for claim in claims:
            claim["links"] = by_claim[claim["id"]]
            by_article[claim["article_id"]]["claims"].append(claim)
        for link in article_links:
            for end, other in (("source_id", "target_id"), ("target_id", "source_id")):
                if link[end] in by_article:
                    by_article[link[end]]["links"].append(
                        {"kind": link["kind"], "score": link["score"], "article": link[other]}
                    )
        return [{**a, **by_article[a["id"]]} for a in articles]

    def story(story_id: int) -> dict[str, Any]:
        articles = rows(
            "SELECT a.id, a.title, a.published_at, o.name AS outlet, a.url, r.source "
            "FROM articles a JOIN raw_inputs r ON r.id = a.raw_input_id "
            "LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id = :id",
            id=story_id,
        )
        claims = rows(
            "SELECT c.id, c.article_id, c.kind, c.text, c.slot_key, c.quantity_value, "
            "c.quantity_unit, c.qualifier, c.negated FROM claims c JOIN articles a "
            "ON a.id = c.article_id WHERE a.story_id = :id ORDER BY c.article_id, c.start, c.id",
            id=story_id,
        )
        ids = [c["id"] for c in claims]
        links = rows(
            "SELECT source_id, target_id, kind, score FROM claim_links "
            "WHERE source_id = ANY(:ids) AND target_id = ANY(:ids)",
            ids=ids,
        )
        sources = rows("SELECT claim_id, source FROM citations WHERE claim_id = ANY(:ids)", ids=ids)
        return {"articles": articles, "claims": claims, "links": links, "sources": sources}

    def search(word: str) -> list[dict[str, Any]]:
        from marsad.text.search import query_terms

        (term,) = query_terms(word)[:1]
        return rows(
            "SELECT id, title FROM articles WHERE title_key LIKE :like OR match_key LIKE :like "
            "ORDER BY (CASE WHEN title_key LIKE :like THEN 3.0 ELSE 0.0 END) + "
            "(length(match_key) - length(replace(match_key, :term, '')))::float / :n "
            "DESC, id DESC LIMIT 20",
            like=f"%{term}%",
            term=term,
            n=len(term),
        )

    async def floor(request: Request) -> JSONResponse:
        kind = request.path_params["kind"]
        value = request.query_params["v"]
        work: Callable[[], Any] = {
            "articles": lambda: article_page(int(value)),
            "story": lambda: story(int(value)),
            "search": lambda: search(value),
        }[kind]
        data = await run_in_threadpool(work)
        return JSONResponse(json.loads(json.dumps(data, default=str)))

    app.router.routes.append(Route("/floor/{kind}", floor))
    tune_garbage_collector()  # as `marsad serve` does, for both sides
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# Measuring ---------------------------------------------------------------------------


class Client:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)

    def graphql(self, query: str, variables: dict[str, Any]) -> float:
        started = time.perf_counter()
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        elapsed = time.perf_counter() - started
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL answered {response.status_code}: {str(body)[:300]}")
        return elapsed

    def floor(self, kind: str, value: object) -> float:
        started = time.perf_counter()
        response = self.http.get(f"/floor/{kind}", params={"v": str(value)})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"floor answered {response.status_code}: {response.text[:300]}")
        return elapsed


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "requests_per_s": round(len(ordered) / sum(ordered), 1),
    }


def side_by_side(
    client: Client, requests: int, graphql: Callable[[int], float], floor: Callable[[int], float]
) -> dict[str, Any]:
    for index in range(min(10, requests)):  # warm the caches of both
        graphql(index)
        floor(index)
    ours, floors = [], []
    for index in range(requests):
        ours.append(graphql(index))
        floors.append(floor(index))
    result = {"graphql": summary(ours), "floor": summary(floors)}
    result["ratio_p50"] = round(result["graphql"]["p50_ms"] / result["floor"]["p50_ms"], 2)
    result["ratio_p95"] = round(result["graphql"]["p95_ms"] / result["floor"]["p95_ms"], 2)
    return result


def concurrent(
    base: str, clients: int, seconds: float, work: list[Callable[[Client], float]]
) -> dict[str, Any]:
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(seed: int) -> None:
        client = Client(base)
        pick = random.Random(seed)
        while time.monotonic() < stop:
            try:
                elapsed = pick.choice(work)(client)
            except Exception as error:  # every failure counts, whatever it is
                with lock:
                    errors.append(str(error)[:200])
                continue
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "requests_per_s": round(len(latencies) / wall, 1),
        **{key: value for key, value in summary(latencies).items() if key != "requests_per_s"},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=2000, help="real articles processed")
    parser.add_argument("--requests", type=int, default=200, help="per variant and page")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--only", default="article_page,story,search,concurrent", help="what to measure"
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--quick", action="store_true", help="10,000 articles from 500 real ones, 50 requests"
    )
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    if args.quick:
        args.articles, args.base, args.requests, args.seconds = 10_000, 500, 50, 10
    admin_url = _admin_url()
    if admin_url is None:
        raise SystemExit("no PostgreSQL server at 127.0.0.1:5432: this benchmark needs one")
    url = database_url(admin_url)
    if args.rebuild or built_size(url) != (args.articles, args.base):
        print(f"building {args.articles:,} articles in the database {DATABASE}", flush=True)
        build(admin_url, args.articles, args.base)
    else:
        print(f"reusing the database {DATABASE} ({args.articles:,} articles)", flush=True)

    engine = make_engine(url)
    with engine.connect() as connection:
        article_ids = (
            connection.execute(text("SELECT id FROM articles ORDER BY id")).scalars().all()
        )
        stories = (
            connection.execute(
                text(
                    "SELECT story_id FROM articles WHERE story_id IS NOT NULL GROUP BY story_id "
                    "HAVING count(*) > 1 ORDER BY story_id"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    pick = random.Random(7)
    afters = [pick.choice(article_ids[:-50]) for _ in range(args.requests + 10)]
    chosen_stories = [pick.choice(stories) for _ in range(args.requests + 10)]
    words = [SEARCH_WORDS[i % len(SEARCH_WORDS)] for i in range(args.requests + 10)]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port)], stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if server.poll() is not None:
                raise SystemExit("the server process ended before it answered")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        client = Client(base)
        results: dict[str, Any] = {}
        wanted = set(args.only.split(","))
        pages: dict[str, tuple[Callable[[int], float], Callable[[int], float]]] = {
            "article_page": (
                lambda i: client.graphql(ARTICLE_PAGE, {"after": encode_cursor(afters[i])}),
                lambda i: client.floor("articles", afters[i]),
            ),
            "story": (
                lambda i: client.graphql(STORY, {"id": str(chosen_stories[i])}),
                lambda i: client.floor("story", chosen_stories[i]),
            ),
            "search": (
                lambda i: client.graphql(SEARCH, {"q": words[i]}),
                lambda i: client.floor("search", words[i]),
            ),
        }
        for name, (ours, floor) in pages.items():
            if name in wanted:
                print(f"{name}: side by side, {args.requests} requests each", flush=True)
                results[name] = side_by_side(client, args.requests, ours, floor)
        if "concurrent" in wanted:
            print(f"{args.clients} clients at once for {args.seconds:g} s", flush=True)
            mix: list[Callable[[Client], float]] = [
                lambda c: c.graphql(ARTICLE_PAGE, {"after": encode_cursor(pick.choice(afters))}),
                lambda c: c.graphql(STORY, {"id": str(pick.choice(chosen_stories))}),
                lambda c: c.graphql(SEARCH, {"q": pick.choice(words)}),
            ]
            results["concurrent"] = concurrent(base, args.clients, args.seconds, mix)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.drop:
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        admin.dispose()

    header = ("GraphQL p50", 12), ("p95", 9), ("req/s", 8), ("floor p50", 11), ("p95", 9)
    print("\n" + " " * 14 + "".join(f"{name:>{width}}" for name, width in header) + "  ratio p50")
    for name in [name for name in pages if name in results]:
        row = results[name]
        ours, low = row["graphql"], row["floor"]
        print(
            f"{name:<14}{ours['p50_ms']:>12.1f}{ours['p95_ms']:>9.1f}{ours['requests_per_s']:>8.1f}"
            f"{low['p50_ms']:>11.1f}{low['p95_ms']:>9.1f}{row['ratio_p50']:>10.1f}x"
        )
    targets = {}
    if "concurrent" in results:
        c = results["concurrent"]
        print(
            f"concurrent: {c['clients']} clients, {c['requests']} requests in {c['seconds']} s "
            f"({c['requests_per_s']}/s), p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms, "
            f"{c['errors']} errors"
        )
        targets["concurrent_zero_errors"] = c["errors"] == 0
    if "article_page" in results:
        targets["article_page_ratio_p50_at_most_5"] = results["article_page"]["ratio_p50"] <= 5
    if "story" in results:
        targets["story_p95_under_200_ms"] = results["story"]["graphql"]["p95_ms"] < 200
    print("targets:", ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in targets.items()))
    about = {
        "articles": args.articles,
        "base_real_articles": args.base,
        "requests": args.requests,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    # A run of some measurements only does not replace the figures of a whole run.
    out = RESULTS if len(results) == 4 else RESULTS.with_name("api_partial.json")
    out.write_text(
        json.dumps({**about, **results, "targets": targets}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
