"""Queries, export and their CLI verbs over a small hand-built corpus, on SQLite and on PostgreSQL."""

import datetime as dt
import json
import re

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import SCHEMA
from quotegraph.cli import quotegraph
from quotegraph.errors import BadQuery
from quotegraph.ingest.brat import read_split
from quotegraph.model import Article, Attribution, Entity, Span, Speaker, Time
from quotegraph.store import open_store
from quotegraph.store.export import export, stored_articles
from quotegraph.store.queries import (
    open_corpus,
    plot_per_month,
    responses,
    said,
    search,
    source_breakdown,
    sources,
    stats,
)

HOSTILE = [
    '"', '""', "'", "*", "bridge*", "NEAR(bridge plan)", "NEAR(", "OR", "AND OR NOT", "(((", ")", "content:plan",
    "'; DROP TABLE articles; --", "1' OR '1'='1", "\\", "%", "?", ":query", "", "   ", "-", "^plan", "{plan}",
]


def span(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start=start, end=start + len(piece), text=piece)


def attribution(
    text: str, id: str, source: str, cue: str, content: str, *, after: int = 0, **fields
) -> Attribution:
    """An attribution over the first occurrences of its pieces at or after ``after``."""
    return Attribution(
        id=id, source=span(text, source, after), cue=span(text, cue, after), content=span(text, content, after), **fields
    )


def corpus() -> list[Article]:
    """Three articles: two publishers, two months and an undated one, a denial answering a claim, a source
    quoted in two articles, two sources sharing the alias "Ortiz", accents, a discontinuous quote, an anonymous
    speaker and an organisation with an alias."""
    harbor = (
        "Bridge repairs delayed\n\nDana Ortiz said the bridge plan was late. \"We cannot wait,\" Ortiz said on "
        "Tuesday. Mayor Luis Granger denied that the plan was late."
    )
    ortiz = Speaker(entity="e1", name="Dana Ortiz", type="person", role="council member")
    granger = Speaker(entity="e2", name="Luis Granger", type="person", role="mayor")
    tuesday = span(harbor, "on Tuesday")
    first = Article(
        id="harbor-1",
        text=harbor,
        date=dt.date(2024, 1, 10),
        title="Bridge repairs delayed",
        url="https://gazette.example/1",
        publisher="Millbrook Gazette",
        entities=[
            Entity(id="e1", name="Dana Ortiz", type="person", names=["Ortiz"]),
            Entity(id="e2", name="Luis Granger", type="person"),
        ],
        attributions=[
            attribution(harbor, "a1", "Dana Ortiz", "said", "the bridge plan was late", speaker=ortiz, act="statement"),
            attribution(
                harbor, "a2", "Ortiz", "said", "We cannot wait,", after=harbor.index('"We'), speaker=ortiz,
                kind="direct", act="warn", time=Time(**tuesday.model_dump(), value="2024-01-09"),
            ),
            attribution(
                harbor, "a3", "Mayor Luis Granger", "denied", "that the plan was late", speaker=granger, act="deny",
                responds_to="a1",
            ),
        ],
    )
    factory = (
        '"The plant will close," José Núñez warned, "and jobs will go." Dana Ortiz said the council would help. '
        "A spokesperson said nothing was decided."
    )
    close, go = span(factory, "The plant will close,"), span(factory, "and jobs will go.")
    second = Article(
        id="factory-2",
        text=factory,
        date=dt.date(2024, 2, 3),
        title="Plant to close",
        publisher="Valley Times",
        entities=[
            Entity(id="e1", name="José Núñez", type="person"),
            Entity(id="e2", name="Dana Ortiz", type="person", names=["Ortiz"]),
        ],
        attributions=[
            Attribution(
                id="a1",
                source=span(factory, "José Núñez"),
                cue=span(factory, "warned"),
                content=Span.from_parts(factory, [(close.start, close.end), (go.start, go.end)]),
                kind="direct",
                act="warn",
                speaker=Speaker(entity="e1", name="José Núñez", type="person"),
            ),
            attribution(
                factory, "a2", "Dana Ortiz", "said", "the council would help", act="promise",
                speaker=ortiz.model_copy(update={"entity": "e2"}),
            ),
            attribution(
                factory, "a3", "A spokesperson", "said", "nothing was decided", after=factory.index("A spokesperson"),
                speaker=Speaker(type="anonymous"), act="statement",
            ),
        ],
    )
    hall = "Maria Ortiz, a resident, said the bridge should close. The Acme Corp. said it would rebuild the bridge."
    third = Article(
        id="hall-3",
        text=hall,
        title="Residents speak",
        publisher="Valley Times",
        entities=[
            Entity(id="e1", name="Maria Ortiz", type="person", names=["Ortiz"]),
            Entity(id="e2", name="Acme Corp.", type="organization", names=["Acme"]),
        ],
        attributions=[
            attribution(
                hall, "a1", "Maria Ortiz", "said", "the bridge should close",
                speaker=Speaker(entity="e1", name="Maria Ortiz", type="person", role="resident"),
            ),
            attribution(
                hall, "a2", "The Acme Corp.", "said", "it would rebuild the bridge",
                speaker=Speaker(entity="e2", name="Acme Corp.", type="organization"),
            ),
        ],
    )
    return [first, second, third]


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('queries') / 'corpus.db'}"
    with open_store(url) as store:
        store.save(corpus())
        store.record_failures([("broken.jsonl:3", "no text")])
    return url


@pytest.fixture(scope="module")
def pg_url(postgres_url: str) -> str:
    """The corpus in a PostgreSQL database of its own, so other tests' resets leave it alone."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS quotegraph_queries")
        connection.execute("CREATE DATABASE quotegraph_queries")
    url = postgres_url.rsplit("/", 1)[0] + "/quotegraph_queries"
    with open_store(url) as store:
        store.save(corpus())
        store.record_failures([("broken.jsonl:3", "no text")])
    return url


@pytest.fixture
def store(sqlite_url: str):
    with open_store(sqlite_url) as opened:
        yield opened


def test_sources_ranks_by_attributions_with_counts_dates_and_acts(store):
    rows = sources(store)
    assert rows[0] == {
        "name": "Dana Ortiz", "type": "person", "role": "council member", "attributions": 3, "articles": 2,
        "first_date": "2024-01-10", "last_date": "2024-02-03", "top_acts": "promise 1, statement 1, warn 1",
    }
    assert {row["name"] for row in rows} == {"Dana Ortiz", "Luis Granger", "José Núñez", "Maria Ortiz", "Acme Corp."}


def test_sources_filters(store):
    assert [row["name"] for row in sources(store, type="organization")] == ["Acme Corp."]
    assert {row["name"] for row in sources(store, publisher="Millbrook Gazette")} == {"Dana Ortiz", "Luis Granger"}
    assert {row["name"] for row in sources(store, since="2024-02-01")} == {"Dana Ortiz", "José Núñez"}
    assert {row["name"] for row in sources(store, until=dt.date(2024, 1, 31))} == {"Dana Ortiz", "Luis Granger"}
    assert len(sources(store, limit=2)) == 2


def test_source_breakdown_by_publisher_and_month(store):
    assert source_breakdown(store, "Dana Ortiz", by="publisher") == [
        {"publisher": "Millbrook Gazette", "attributions": 2, "articles": 1},
        {"publisher": "Valley Times", "attributions": 1, "articles": 1},
    ]
    assert source_breakdown(store, "Dana Ortiz", by="month") == [
        {"month": "2024-01", "attributions": 2, "articles": 1},
        {"month": "2024-02", "attributions": 1, "articles": 1},
    ]
    assert source_breakdown(store, "Acme", by="month") == [{"month": None, "attributions": 1, "articles": 1}]
    with pytest.raises(BadQuery, match=r"\[Q803\]"):
        source_breakdown(store, "Dana Ortiz", by="weekday")


def test_said_lists_by_date_with_article_fields(store):
    rows = said(store, "Dana Ortiz")
    assert [(row["date"], row["content"]) for row in rows] == [
        ("2024-01-10", "the bridge plan was late"),
        ("2024-01-10", "We cannot wait,"),
        ("2024-02-03", "the council would help"),
    ]
    assert rows[1] == {
        "date": "2024-01-10", "publisher": "Millbrook Gazette", "article_id": "harbor-1", "title": "Bridge repairs delayed",
        "url": "https://gazette.example/1", "act": "warn", "kind": "direct", "cue": "said", "content": "We cannot wait,",
        "time_value": "2024-01-09",
    }
    assert [row["content"] for row in said(store, "Dana Ortiz", since="2024-02-01")] == ["the council would help"]
    assert [row["content"] for row in said(store, "Dana Ortiz", until=dt.date(2024, 1, 31), act="warn")] == ["We cannot wait,"]


@pytest.mark.parametrize("name", ["dana ortiz", "DANA ORTIZ", "Dana Ortiz.", "jose nunez", "JOSÉ NÚÑEZ", "Acme", "acme corp"])
def test_said_matches_names_and_aliases_whatever_case_and_accents(store, name):
    assert said(store, name)


def test_said_names_the_candidates_of_an_ambiguous_name(store):
    expected = "'Ortiz' names 2 sources: Dana Ortiz (person, 3 attributions); Maria Ortiz (person, 1 attribution)"
    with pytest.raises(BadQuery, match=re.escape(f"[Q802] {expected}")):
        said(store, "Ortiz")
    with pytest.raises(BadQuery, match=r"\[Q801\] no source is named 'Jane Roe'"):
        said(store, "Jane Roe")
    with pytest.raises(BadQuery, match=r"\[Q801\]"):
        said(store, "  ")


def test_search_ranks_matches_with_a_snippet(store):
    rows = search(store, "bridge")
    assert {(row["article_id"], row["attribution_id"]) for row in rows} == {("harbor-1", "a1"), ("hall-3", "a1"), ("hall-3", "a2")}
    assert all("[bridge]" in row["snippet"] for row in rows)
    assert [row["speaker"] for row in search(store, "Granger")] == ["Luis Granger"]
    assert [row["speaker"] for row in search(store, "plants closing")] == ["José Núñez"]  # stems match
    assert search(store, "bridge", limit=1)[0]["article_id"] in {"harbor-1", "hall-3"}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_never_breaks_the_query(store, text):
    assert isinstance(search(store, text), list)


def test_responses_pair_each_claim_with_its_answers(store):
    assert responses(store) == [
        {
            "date": "2024-01-10", "publisher": "Millbrook Gazette", "article_id": "harbor-1", "title": "Bridge repairs delayed",
            "attribution_id": "a1", "speaker": "Dana Ortiz", "act": "statement", "content": "the bridge plan was late",
            "responses": [{"attribution_id": "a3", "speaker": "Luis Granger", "act": "deny", "content": "that the plan was late"}],
        }
    ]


def test_stats_count_tables_kinds_acts_and_speaker_types(store):
    counts = {(row["group"], row["name"]): row["count"] for row in stats(store)}
    assert counts[("corpus", "articles")] == 3
    assert counts[("corpus", "attributions")] == 8
    assert counts[("corpus", "sources")] == 5
    assert counts[("corpus", "failures")] == 1
    assert counts[("kind", "direct")] == 2 and counts[("kind", "indirect")] == 6
    assert counts[("act", "warn")] == 2 and counts[("act", None)] == 2
    assert counts[("speaker type", "person")] == 6 and counts[("speaker type", "anonymous")] == 1


def test_plot_per_month_saves_a_png(store, tmp_path):
    path = plot_per_month(store, tmp_path / "months.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.postgres
def test_postgresql_answers_as_sqlite_does(sqlite_url, pg_url):
    def answers(url: str) -> dict:
        with open_store(url) as opened:
            found = {
                "sources": sources(opened),
                "filtered": sources(opened, type="person", publisher="Valley Times", since="2024-01-01", until="2024-12-31"),
                "by publisher": source_breakdown(opened, "Dana Ortiz", by="publisher"),
                "by month": source_breakdown(opened, "dana ortiz", by="month"),
                "said": said(opened, "Dana Ortiz"),
                "said accents": said(opened, "jose nunez", act="warn"),
                "said alias": said(opened, "Acme"),
                "search": [(r["article_id"], r["attribution_id"], r["speaker"]) for r in search(opened, "bridge")],
                "search stems": [(r["article_id"], r["attribution_id"]) for r in search(opened, "plants closing")],
                "responses": responses(opened),
                "stats": stats(opened),
                "articles": [article.to_json(include_text=True) for article in stored_articles(opened)],
            }
            for text in HOSTILE:
                search(opened, text)
            with pytest.raises(BadQuery, match=r"\[Q802\]"):
                said(opened, "Ortiz")
        return {key: sorted(map(repr, rows)) for key, rows in found.items()}

    sqlite, postgresql = answers(sqlite_url), answers(pg_url)
    for key in sqlite:
        assert postgresql[key] == sqlite[key], key


def test_jsonl_export_validates_and_gives_back_the_articles(store, tmp_path, check_article):
    out = tmp_path / "new folder" / "corpus.jsonl"
    assert export(store, out, "jsonl") == {"format": "jsonl", "path": str(out), "articles": 3, "attributions": 8}
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    originals = {article.id: article for article in corpus()}
    for data in lines:
        jsonschema.validate(data, SCHEMA)
        text = data.pop("text")
        check_article(data, text)
        original = originals[data["id"]].to_json()
        assert data["publisher"] == original["publisher"]
        assert data["attributions"] == original["attributions"]
        assert [(e["id"], e["name"], e["type"]) for e in data["entities"]] == [(e["id"], e["name"], e["type"]) for e in original["entities"]]


def test_parquet_export_has_a_row_per_attribution_with_its_article(store, tmp_path):
    import pyarrow.parquet as pq

    export(store, tmp_path / "corpus.parquet", "parquet")
    rows = pq.read_table(tmp_path / "corpus.parquet").to_pylist()
    assert len(rows) == 8
    row = next(r for r in rows if r["article_id"] == "harbor-1" and r["attribution_id"] == "a2")
    assert row["date"] == dt.date(2024, 1, 10) and row["publisher"] == "Millbrook Gazette"
    assert row["source_name"] == "Dana Ortiz" and row["content_text"] == "We cannot wait," and row["time_value"] == dt.date(2024, 1, 9)
    parts = next(r for r in rows if r["article_id"] == "factory-2" and r["attribution_id"] == "a1")["content_parts"]
    assert len(json.loads(parts)) == 2


def test_brat_export_reads_back_to_the_same_spans(store, tmp_path):
    done = export(store, tmp_path / "brat", "brat")
    assert done["articles"] == 3
    assert sorted(p.name for p in (tmp_path / "brat" / "attributions").iterdir())[0] == "factory-2_quotegraph.ann"
    back = {article.id: article for article in read_split(tmp_path / "brat")}
    for article in corpus():
        assert back[article.id].text == article.text
        assert pieces(back[article.id]) == pieces(article)


def pieces(article: Article) -> list[list]:
    """The (start, end) parts of each attribution's source, cue and content, sorted."""
    return sorted([[span.pieces for span in (a.source, a.cue, a.content)] for a in article.attributions])


def test_export_streams_page_by_page(store):
    assert [article.id for article in stored_articles(store, page=1)] == ["factory-2", "hall-3", "harbor-1"]


def test_read_verbs_refuse_a_database_that_does_not_exist(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(BadQuery, match=r"\[Q800\] no database at"):
        open_corpus(f"sqlite:///{missing}")
    result = CliRunner().invoke(quotegraph, ["stats", "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 1 and "[Q800]" in result.output
    assert not missing.exists()


def run(*args: str) -> str:
    result = CliRunner().invoke(quotegraph, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_sources_in_each_format(sqlite_url):
    assert json.loads(run("sources", "--db", sqlite_url, "--format", "json"))[0]["name"] == "Dana Ortiz"
    csv = run("sources", "--db", sqlite_url, "--format", "csv", "--limit", "1").splitlines()
    assert csv[0] == "name,type,role,attributions,articles,first_date,last_date,top_acts"
    assert csv[1].startswith("Dana Ortiz,person,council member,3,2,2024-01-10,2024-02-03,")
    table = run("sources", "--db", sqlite_url).splitlines()
    assert table[0].split(" | ")[0].strip() == "name" and set(table[1]) <= {"-", "+"}
    assert json.loads(run("sources", "--by", "month", "dana ortiz", "--db", sqlite_url, "--format", "json"))[0]["month"] == "2024-01"


def test_cli_said_search_responses_stats_and_export(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTEGRAPH_DB_URL", sqlite_url)
    said_table = run("said", "Dana Ortiz", "--since", "2024-01-01", "--act", "warn")
    assert "We cannot wait," in said_table and "Millbrook Gazette" in said_table and "https://" not in said_table
    assert run("search", "bridge", "--format", "csv").startswith("date,publisher,article_id,attribution_id,speaker,act,snippet\n")
    lines = run("responses", "--format", "csv").splitlines()
    assert lines[0].endswith("responses.attribution_id,responses.speaker,responses.act,responses.content")
    assert "Luis Granger,deny,that the plan was late" in lines[1]
    assert "Luis Granger" in run("responses")
    assert run("stats", "--plot", str(tmp_path / "m.png"), "--format", "json")
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    run("export", "--format", "parquet", "--out", str(tmp_path / "c.parquet"))
    assert (tmp_path / "c.parquet").exists()
    result = CliRunner().invoke(quotegraph, ["said", "Ortiz"])
    assert result.exit_code == 1 and "[Q802]" in result.output


def test_cli_table_cuts_long_text(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'long.db'}") as opened:
        text = "Jane Roe said " + "very " * 40 + "long."
        opened.save([Article(id="long", text=text, date=dt.date(2024, 3, 1), attributions=[
            attribution(text, "a1", "Jane Roe", "said", text[14:], speaker=Speaker(name="Jane Roe", type="person"))])])
    table = run("said", "jane roe", "--db", f"sqlite:///{tmp_path / 'long.db'}")
    assert "…" in table and max(map(len, table.splitlines())) < 120
