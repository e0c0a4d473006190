"""``quotegraph serve`` as a real server process on loopback, over a corpus of the bundled sample articles.

One server (with an API token) serves the whole module; a second, started
without a token and with one CORS origin, checks what those change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import corpus_db
from quotegraph.serve.load import running_server

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "quotegraph" / "samples" / "articles.jsonl"
TOKEN = "test-token-5b2c"
CLAIM_TEXT = (
    "Bridge Costs in Dispute\n\nCouncil member Dana Ortiz said on Monday that the mayor had hidden the true cost of "
    "the Harbor Street bridge repairs.\n\nMayor Luis Granger denied that he had hidden the cost of the bridge repairs. "
    "“The full budget has been public since March,” he said."
)
# Markup, SQL and odd characters in an article: they must come back as the same text, never as markup or SQL.
HOSTILE_TEXT = (
    "Form Test <b>bold</b>\r\n\r\n“Someone typed <script>alert('stored')</script> into the city's form,” council member "
    "Dana Ortiz said. “Someone typed '; DROP TABLE articles; -- and \" OR 1=1 -- as well,” she said.\n\n"
    "Zero\u200bwidth, \u202eright-to-left\u202c, emoji 🗳️ and a lone & stay as they are."
)
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy")
MAX_BODY = 5_000_000


def corpus_articles() -> list[dict]:
    """The sample articles with publishers, an article in which one source answers another, and a hostile one."""
    samples = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, article in enumerate(samples):
        article["publisher"] = "Millbrook Gazette" if n % 2 == 0 else "State Wire"
    return [
        *samples,
        {"id": "bridge-costs", "date": "2016-11-08", "publisher": "Millbrook Gazette", "text": CLAIM_TEXT},
        {"id": "hostile/form test", "date": "2016-11-09", "publisher": "<i>Wire</i>", "text": HOSTILE_TEXT},
    ]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return corpus_db(tmp_path_factory.mktemp("serve"), corpus_articles())


@pytest.fixture(scope="module")
def api(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client of the module's server, which has the API token TOKEN."""
    with running_server(db_url, TOKEN, tmp_path_factory.mktemp("log") / "server.log") as (base_url, _):
        with httpx.Client(base_url=base_url, timeout=120) as client:
            yield client


@pytest.fixture(scope="module")
def open_api(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client of a second server over the same corpus: no token, and pages of https://viewer.test may call it."""
    log = tmp_path_factory.mktemp("log") / "server.log"
    with running_server(db_url, None, log, "--cors-origin", "https://viewer.test") as (base_url, _):
        with httpx.Client(base_url=base_url, timeout=120) as client:
            yield client


def all_pages(api: httpx.Client, path: str, within: str | None = None) -> list[dict]:
    """Follow a list's next links from PATH to the end (the list is the answer's field ``within`` if given); return every item."""
    items = []
    while path:
        page = api.get(path).json()
        page = page[within] if within else page
        items += page["items"]
        path = page["next"]
    return items


def test_extract_returns_the_article_contract_with_its_text(api, check_article):
    text = "“We will not raise fares this year,” Mayor Luis Granger said on Monday."
    response = api.post("/api/extract", json={"text": text, "date": "2016-10-31", "html": False})
    assert response.status_code == 200
    data = response.json()
    assert data.pop("text") == text
    check_article(data, text)
    [attribution] = data["attributions"]
    assert attribution["speaker"]["name"] == "Luis Granger"
    assert attribution["time"]["value"] == "2016-10-31"


def test_extract_reads_an_html_page_first(api):
    page = (REPO / "tests" / "fixtures" / "news" / "harbor-vote.html").read_text(encoding="utf-8")
    data = api.post("/api/extract", json={"text": page, "html": True}).json()
    assert "<" not in data["text"] and data["attributions"]


def test_articles_list_latest_first_and_pages_through_with_next(api):
    first = api.get("/api/articles", params={"limit": 2}).json()
    assert first["limit"] == 2 and first["offset"] == 0 and len(first["items"]) == 2
    assert first["next"] == "/api/articles?limit=2&offset=2"
    items = all_pages(api, "/api/articles?limit=2")
    assert [item["id"] for item in items][:2] == ["hostile/form test", "bridge-costs"]
    assert len(items) == len(corpus_articles()) == len({item["id"] for item in items})
    assert set(items[0]) == {"id", "date", "title", "url", "publisher", "n_attributions"}
    last = api.get("/api/articles", params={"limit": 2, "offset": 4}).json()
    assert len(last["items"]) == 1 and last["next"] is None


def test_articles_filter_by_publisher_dates_and_source(api):
    def ids(**params):
        return {item["id"] for item in api.get("/api/articles", params=params).json()["items"]}

    assert ids(publisher="State Wire") == {"school-lunch-program"}
    assert ids(since="2016-11-03", until="2016-11-08") == {"factory-closure", "bridge-costs"}
    ortiz = next(s for s in all_pages(api, "/api/sources") if s["name"] == "Dana Ortiz")
    assert ids(source_id=ortiz["id"]) == {"harbor-bridge-vote", "bridge-costs", "hostile/form test"}
    assert ids(publisher="nobody") == set()


def test_article_comes_back_with_text_publisher_and_source_ids(api, check_article):
    data = api.get("/api/articles/bridge-costs").json()
    assert data["text"] == CLAIM_TEXT and data["publisher"] == "Millbrook Gazette" and data["date"] == "2016-11-08"
    named = {a["speaker"]["name"]: a["source_id"] for a in data["attributions"] if a["speaker"] and a["speaker"]["name"]}
    sources = {s["name"]: s["id"] for s in all_pages(api, "/api/sources")}
    assert named["Dana Ortiz"] == sources["Dana Ortiz"] and named["Luis Granger"] == sources["Luis Granger"]
    for attribution in data["attributions"]:
        assert isinstance(attribution.pop("source_id"), int | None)
    data.pop("publisher")
    check_article({key: value for key, value in data.items() if key != "text"}, CLAIM_TEXT)


def test_hostile_article_text_comes_back_byte_identical(api):
    response = api.get("/api/articles/hostile/form test")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["text"].encode("utf-8") == HOSTILE_TEXT.encode("utf-8")
    assert data["publisher"] == "<i>Wire</i>"
    for attribution in data["attributions"]:
        assert HOSTILE_TEXT[attribution["content"]["start"] : attribution["content"]["end"]] == attribution["content"]["text"]
    assert all_pages(api, "/api/articles?limit=200")  # the articles table is still there


def test_unknown_ids_are_404_with_a_coded_message(api):
    for path, code in [
        ("/api/articles/no-such-article", "Q901"),
        ("/api/sources/999999", "Q902"),
        ("/api/attributions/bridge-costs:a99/responses", "Q904"),
        ("/api/attributions/no-such-article:a1/responses", "Q904"),
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith(f"[{code}]")
    assert api.get("/api/no-such-endpoint").status_code == 404


def test_sources_most_quoted_first_with_a_type_filter(api):
    items = all_pages(api, "/api/sources?limit=3")
    counts = [item["attributions"] for item in items]
    assert counts == sorted(counts, reverse=True) and len({item["id"] for item in items}) == len(items)
    ortiz = next(item for item in items if item["name"] == "Dana Ortiz")
    assert ortiz["type"] == "person" and ortiz["articles"] == 3 and sum(ortiz["acts"].values()) <= ortiz["attributions"]
    assert ortiz["first_date"] == "2016-10-18" and ortiz["last_date"] == "2016-11-09"
    assert api.get("/api/sources", params={"type": "organization"}).json()["items"] == [
        item for item in items if item["type"] == "organization"
    ]


def test_source_page_has_aliases_and_what_it_said_by_date(api):
    ortiz = next(s for s in all_pages(api, "/api/sources") if s["name"] == "Dana Ortiz")
    data = api.get(f"/api/sources/{ortiz['id']}", params={"limit": 2}).json()
    assert data["name"] == "Dana Ortiz" and "Dana Ortiz" in data["aliases"] and data["role"]
    assert data["said"]["next"] == f"/api/sources/{ortiz['id']}?limit=2&offset=2"
    said = all_pages(api, f"/api/sources/{ortiz['id']}?limit=2", within="said")
    assert len(said) == data["attributions"] == ortiz["attributions"]
    assert [item["date"] for item in said] == sorted(item["date"] for item in said)
    assert all(item["source_id"] == ortiz["id"] and item["id"] == f"{item['article_id']}:{item['attribution_id']}" for item in said)


def test_search_finds_words_and_pages(api):
    hits = all_pages(api, "/api/search?q=bridge&limit=1")
    assert len(hits) >= 2 and all("[bridge" in hit["snippet"].lower() for hit in hits)
    assert api.get("/api/search", params={"q": "bridge", "limit": 1}).json()["next"] == "/api/search?q=bridge&limit=1&offset=1"
    assert api.get("/api/search", params={"q": "zzzunfound"}).json()["items"] == []


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE articles; --", '" OR 1=1 --', "bridge) OR (1=1", "NEAR(a b) * ^ col:x", "<script>alert(1)</script>", "%_\\"],
)
def test_sql_and_script_in_a_search_are_only_words(api, query):
    response = api.get("/api/search", params={"q": query})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json()["items"], list)
    assert len(all_pages(api, "/api/articles?limit=200")) == len(corpus_articles())


def test_script_in_a_search_matches_the_stored_script_as_data(api):
    hits = api.get("/api/search", params={"q": "<script>alert('stored')</script>"}).json()["items"]
    assert {hit["article_id"] for hit in hits} == {"hostile/form test"}


def test_a_claim_thread_has_the_claim_and_its_responses(api):
    thread = api.get("/api/attributions/bridge-costs:a1/responses").json()
    assert thread["claim"]["speaker"] == "Dana Ortiz" and thread["claim"]["id"] == "bridge-costs:a1"
    [response] = thread["responses"]
    assert response["speaker"] == "Luis Granger" and response["act"] == "deny"
    assert response["responds_to"] == "bridge-costs:a1"
    unanswered = api.get(f"/api/attributions/{response['id']}/responses").json()
    assert unanswered["responses"] == [] and unanswered["claim"]["responds_to"] == "bridge-costs:a1"


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles?limit=0",
        "/api/articles?limit=10000",
        "/api/articles?offset=-1",
        "/api/articles?since=2016-13-01",
        "/api/articles?until=yesterday",
        "/api/sources?type=planet",
        "/api/sources/not-a-number",
        "/api/search",
        "/api/search?q=",
        "/api/attributions/no-colon/responses",
    ],
)
def test_bad_parameters_are_422_with_a_clear_message(api, path):
    response = api.get(path)
    assert response.status_code == 422
    body = response.json()
    message = body.get("message") or body["detail"]
    assert message.startswith(("[Q909]", "[Q903]")) and " - " in message


@pytest.mark.parametrize("path", ["/api/extract", "/api/articles"])
@pytest.mark.parametrize("body", [b'{"text": "unfinished', b"not json at all", b"\xff\xfe\x00"])
def test_invalid_json_is_422(api, path, body):
    response = api.post(path, content=body, headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["message"]


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "x", "date": "2016-02-30"}, {"text": "x", "unknown": 1}, {"text": 7}]
)
def test_invalid_extract_requests_are_422(api, body):
    response = api.post("/api/extract", json=body)
    assert response.status_code == 422 and response.json()["message"].startswith("[Q909] body field")


def test_oversized_body_with_content_length_is_413(api):
    body = b'{"text": "' + b"a" * MAX_BODY + b'"}'
    response = api.post("/api/extract", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("[Q907]")
    assert all(name in response.headers for name in SECURITY_HEADERS)


def test_oversized_chunked_body_is_413(api):
    def chunks():
        yield b'{"text": "'
        for _ in range(60):
            yield b"a" * 100_000

    response = api.post("/api/extract", content=chunks(), headers={"content-type": "application/json"})
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413 and response.json()["detail"].startswith("[Q907]")
    assert api.get("/api/articles?limit=1").status_code == 200


def test_ingest_needs_the_right_token(api):
    article = {"id": "token-test", "text": "“Yes,” Jane Roe said."}
    missing = api.post("/api/articles", json=article)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["detail"].startswith("[Q906]")
    for wrong in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN):
        assert api.post("/api/articles", json=article, headers={"authorization": wrong}).status_code == 401
    assert api.get("/api/articles/token-test").status_code == 404


def test_ingest_with_the_token_saves_articles_readable_back(api):
    text = HOSTILE_TEXT.replace("Form Test", "Second Form Test")
    articles = [
        {"id": "posted/one", "text": text, "date": "2017-01-02", "title": "<b>t</b>", "publisher": "Post"},
        {"id": "posted-two", "text": "“No,” Jane Roe said."},
    ]
    response = api.post("/api/articles", json=articles, headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 201
    result = response.json()
    assert result["saved"] == 2 and [a["id"] for a in result["articles"]] == ["posted/one", "posted-two"]
    stored = api.get(result["articles"][0]["path"]).json()
    assert stored["text"] == text and stored["title"] == "<b>t</b>" and stored["publisher"] == "Post"
    assert len(stored["attributions"]) == result["articles"][0]["attributions"]
    single = api.post("/api/articles", json=articles[1], headers={"authorization": f"Bearer {TOKEN}"})
    assert single.status_code == 201 and single.json()["saved"] == 1
    assert api.post("/api/articles", json=[], headers={"authorization": f"Bearer {TOKEN}"}).status_code == 422


def test_ingest_is_refused_when_no_token_was_set(open_api):
    for headers in ({}, {"authorization": "Bearer anything"}):
        response = open_api.post("/api/articles", json={"id": "x", "text": "y"}, headers=headers)
        assert response.status_code == 403
        assert response.json()["detail"].startswith("[Q905]") and "QUOTEGRAPH_API_TOKEN" in response.json()["detail"]


def test_cors_headers_are_absent_by_default(api):
    response = api.get("/api/sources", headers={"origin": "https://viewer.test"})
    assert not any(name.startswith("access-control-") for name in response.headers)
    preflight = api.options(
        "/api/extract", headers={"origin": "https://viewer.test", "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_origin_given_is_allowed_and_no_other(open_api):
    allowed = open_api.get("/api/sources", headers={"origin": "https://viewer.test"})
    assert allowed.headers["access-control-allow-origin"] == "https://viewer.test"
    other = open_api.get("/api/sources", headers={"origin": "https://evil.test"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("path", ["/api/sources", "/api/articles/no-such-article", "/api/articles?limit=0", "/openapi.json"])
def test_security_headers_are_on_every_response(api, path):
    headers = api.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "http" not in policy
    assert "frame-ancestors 'none'" in policy


def test_openapi_describes_every_endpoint_and_docs_is_served(api):
    spec = api.get("/openapi.json").json()
    assert {
        "/api/extract", "/api/articles", "/api/articles/{article_id}", "/api/sources", "/api/sources/{source_id}",
        "/api/search", "/api/attributions/{attribution_id}/responses",
    } <= set(spec["paths"])
    assert "source_id" in spec["components"]["schemas"]["StoredAttribution"]["properties"]
    docs = api.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    policy = docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "https:" not in policy  # no CDN: the page works offline
    assert api.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_serve_get_prints_one_response_without_a_server(db_url, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "quotegraph", "serve", "--db", db_url, "--get", "/api/sources?limit=2"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout)
    assert len(page["items"]) == 2 and page["next"] == "/api/sources?limit=2&offset=2"
    missing = subprocess.run(
        [sys.executable, "-m", "quotegraph", "serve", "--db", db_url, "--get", "/api/sources/999999"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )
    assert missing.returncode == 1 and json.loads(missing.stdout)["detail"].startswith("[Q902]")


def test_bench_serve_reports_latency_errors_and_memory(db_url, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "quotegraph", "bench", "--serve", "--db", db_url, "--requests", "60", "--clients", "4",
         "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["all"]["count"] == 60 and result["all"]["errors"] == 0, result["error_examples"]
    assert set(result["kinds"]) == {"extract", "article", "sources", "source", "search", "responses"}
    assert result["kinds"]["extract"]["count"] == 6
    assert all(result["server_rss_mb"][when] > 0 for when in ("start", "middle", "end"))
    assert result["database"] == f"a copy of {db_url}"
