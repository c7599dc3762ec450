"""The pages people read: /, /stories/{id}, /articles/{id}.

Over HTTP (both databases): what the seeds' story page shows (the rocket and injury
disputes with who backs each value, the passages two articles share with the wire)
and how a missing page or a bad search answers. In headless Chromium (Debian's, driven
by Playwright): each page laid out right to left, readable on a phone without
sideways scrolling, asking nothing of any host but this server, with a screenshot
saved under build/test-output/pages.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from api_client import ApiClient
from conftest import ROOT, SEEDS, need
from strawberry.relay import to_base64

from marsad.api import create_app
from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "test-output" / "pages"
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def text_of(html: str) -> str:
    """The page's words, without tags or runs of spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, anchor: str) -> str:
    """The text of the page from the heading with id ``anchor`` to the next heading."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return text_of(html[start : end if end > 0 else len(html)])


def test_the_story_page_shows_the_seeds_disputes_and_their_backers(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    response = api.request("GET", "/stories/1")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    disputes = section(response.text, "disputes")

    rockets = disputes[disputes.index("عدد الصواريخ في المنطقة الخضراء") :]
    rockets = rockets[: rockets.index("عدد المصابين")]
    figures = re.findall(r"(\d) (?:على الأقل )?(?:Number|·|منفذ|الخليج|نقلًا)", rockets)
    assert {"2", "3", "4"} <= set(figures)
    assert "3 على الأقل" in rockets and "2 على الأقل" in rockets
    assert "Number of rockets at the Green Zone" in rockets
    assert "نقلًا عن: RT" in rockets  # who backs four rockets: the source the article cites
    assert "الخليج الجديد" in rockets  # the one outlet the seeds name
    assert "منفذ غير معروف: 002_145ccaaec9f3b403.txt" in rockets  # the others, by their file

    balad = disputes[disputes.index("عدد المصابين في قاعدة بلد") :]
    assert re.search(r"^عدد المصابين في قاعدة بلد Number of injured at Balad Air Base 1 ", balad)
    assert "2 منفذ غير معروف" in balad
    green_zone = disputes[disputes.index("عدد المصابين في المنطقة الخضراء") :]
    assert "عدد غير محدد" in green_zone and "لا شيء" in green_zone


def test_the_story_page_shows_the_wire_passages_two_articles_share(seeded_app: Marsad) -> None:
    html = ApiClient(seeded_app).request("GET", "/stories/1").text
    pairs = [text_of(block) for block in html.split('class="card shared-pair"')[1:]]
    # The two reports built on the same agency copy: one reuses the other, passage by passage.
    (wire,) = [p for p in pairs if "003_17373629d0573b0f" in p and "004_55ef5b67352bc8a0" in p]
    assert "واستهدفت ثلاثة صواريخ على الأقل" in wire
    assert wire.count("الأصل") >= 10
    reports = section(html, "reports")
    for title in ("توافق بين بايدن والكاظمي", "الكاظمي يبحث مع بايدن التعاون"):
        assert title in reports


def test_a_date_given_without_a_time_is_shown_as_the_day_alone(seeded_app: Marsad) -> None:
    html = ApiClient(seeded_app).request("GET", "/stories/1").text
    assert "00:00 UTC" not in html and "T00:00:00" not in html
    assert '<time dir="ltr" datetime="2021-02-24">2021-02-24</time>' in html
    reports = section(html, "reports")
    # The report stamped 03:34 comes first; the one dated to the day only after it.
    stamped = reports.index("الخليج الجديد · 2021-02-24 03:34 UTC")
    day_only = reports.index("003_17373629d0573b0f.txt · 2021-02-24 توافق")
    assert stamped < day_only
    disputes = section(html, "disputes")
    assert "أول من نشره: الخليج الجديد، 2021-02-24 03:34 UTC" in disputes
    assert "أول من نشره: منفذ غير معروف، 2021-02-24 " in disputes


def test_each_page_links_to_its_graphql_query(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    for path, operation, variables in (
        ("/stories/1", "query StoryPage", '{"id": "1"}'),
        ("/articles/3", "query ArticlePage", '{"id": "3"}'),
        ("/", "query FrontPage", '{"first": 30, "after": null}'),
    ):
        html = api.request("GET", path).text
        link = re.search(r'href="(/graphql\?[^"]+)" class="graphiql"', html)
        assert link is not None, path
        params = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
        assert operation in params["query"][0]
        assert params["variables"] == [variables]
        # The query runs as the page ran it.
        query, values = params["query"][0], json.loads(variables)
        assert not api.execute(query, values).get("errors")


def test_the_article_page_marks_claims_and_attributions_in_the_text(
    seeded_app: Marsad,
) -> None:
    html = ApiClient(seeded_app).request("GET", "/articles/3").text
    three = r'<span class="quantity[^"]*" title="رقم \d+: 3 صاروخ[^>]*>3 صواريخ</span>'
    assert re.search(three, html)
    assert re.search(r'title="[^"]*رقم \d+: لا مصاب"[^>]*>وقوع جرحى</span>', html)
    assert '<span class="attribution"' in html and '<span class="statement"' in html
    assert "shared" in html  # passages shared with another article
    assert "نص مشترك مع" in html
    assert "<td>extract</td>" in html  # the run records


def test_the_front_page_lists_stories_and_searches(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    front = text_of(api.request("GET", "/").text)
    assert "قصة واحدة، الأحدث أولًا" in front and "5 أخبار" in front
    assert "3 خلافات" in front and "منفذ واحد" in front  # Arabic counts as Arabic says them
    found = api.request("GET", "/", params={"q": "الكاظمى"}).text
    assert "5 أخبار، الأقرب أولًا" in text_of(found)
    assert "<mark>الكاظمي</mark>" in found  # as the article writes it
    assert "<mark>والكاظمي</mark>" in found  # the whole word, so its letters keep joining
    bad = api.request("GET", "/", params={"q": "ب" * 201})
    assert bad.status_code == 400 and "at most 200 characters" in bad.text
    garbage = api.request("GET", "/", params={"after": "garbage"})
    assert garbage.status_code == 400 and "تعذّر عرض هذه الصفحة" in garbage.text


def test_a_missing_story_or_article_is_a_404_page(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    for path, words in (("/stories/99", "لا توجد قصة رقمها 99"), ("/articles/99", "لا يوجد خبر")):
        response = api.request("GET", path)
        assert response.status_code == 404 and words in response.text
    for headers, shown in (({"Accept": "text/html"}, "لا صفحة في العنوان"), ({}, "Not Found")):
        for path in ("/stories/x", f"/stories/{to_base64('Article', 1)}", "/articles/-1"):
            response = api.request("GET", path, headers=headers)
            assert response.status_code == 404 and shown in response.text, path


def test_pages_take_the_global_ids_the_api_gives(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    for kind, plural in (("Story", "stories"), ("Article", "articles")):
        by_number = api.request("GET", f"/{plural}/1")
        by_global_id = api.request("GET", f"/{plural}/{to_base64(kind, 1)}")
        assert by_number.status_code == by_global_id.status_code == 200
        assert by_number.text == by_global_id.text


# In the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(CHROMIUM.exists(), f"no {CHROMIUM}: `make browser` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # No background traffic of Chromium's own: the test watches every request.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeds on SQLite, served on a free port of 127.0.0.1 (the pages' data is
    tested on both databases above)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'marsad.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url)
    marsad = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    report = marsad.ingest([SEEDS])
    assert not marsad.pipeline().run(report.article_ids).failures
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(marsad)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    marsad.close()


def visit(browser: Any, url: str, viewport: dict[str, int], shot: str) -> tuple[Any, list[str]]:
    """Open ``url``, refusing (and listing) every request to another host."""
    page = browser.new_page(viewport=viewport)
    elsewhere: list[str] = []

    def only_here(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    return page, elsewhere


@pytest.mark.parametrize(
    ("path", "name"),
    [("/", "front"), ("/stories/1", "story"), ("/articles/4", "article"), ("/?q=صواريخ", "search")],
)
def test_pages_are_right_to_left_local_and_fit_a_phone(
    browser: Any, served: str, path: str, name: str
) -> None:
    for viewport, size in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page, elsewhere = visit(browser, served + path, viewport, f"{name}-{size}.png")
        assert elsewhere == []
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        # Right to left for real: the heading starts at the right edge.
        box = page.locator("h1").first.bounding_box()
        assert box is not None and box["x"] + box["width"] > viewport["width"] - 60
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways on a {size}"
        page.close()


def test_the_story_page_in_the_browser_shows_disputes_and_opens_its_query(
    browser: Any, served: str
) -> None:
    page, elsewhere = visit(browser, served + "/stories/1", LAPTOP, "story-disputes.png")
    disputes = page.locator("section.dispute")
    assert disputes.count() == 3
    rockets = disputes.filter(has_text="عدد الصواريخ في المنطقة الخضراء")
    assert rockets.locator(".value").count() == 5
    assert rockets.locator(".value").first.evaluate("e => getComputedStyle(e).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )  # disputed values stand out
    page.locator("a.graphiql").click()
    page.wait_for_url(re.compile(r"/graphql\?query="))
    page.wait_for_selector(".graphiql-container", timeout=20000)
    page.wait_for_function("document.body.innerText.includes('StoryPage')", timeout=20000)
    page.screenshot(path=str(SCREENSHOTS / "story-graphiql.png"))
    assert elsewhere == []
    page.close()
