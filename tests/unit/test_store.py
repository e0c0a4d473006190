"""The corpus store on a real SQLite file and (marked postgres) a throwaway PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from quotegraph.errors import BadDatabase
from quotegraph.model import Article, Attribution, Entity, Span, Speaker
from quotegraph.store import Store, open_store, source_key, text_hash

CLINTON = Speaker(entity="e1", name="Hillary Clinton", type="person", role="candidate")
CLINTON_ENTITY = Entity(id="e1", name="Hillary Clinton", type="person", names=["Hillary Clinton", "Clinton"])


def make_article(id: str, quotes: list[tuple[str, str, Speaker | None]], **fields) -> Article:
    """Build an article of one sentence per (who, content, speaker): “CONTENT,” WHO said."""
    text, attributions = "", []
    for n, (who, content, speaker) in enumerate(quotes, 1):
        sentence, offset = f"“{content},” {who} said. ", len(text)

        def span(start: int, piece: str) -> Span:
            return Span(start=offset + start, end=offset + start + len(piece), text=piece)

        attributions.append(
            Attribution(
                id=f"a{n}",
                content=span(sentence.index(content), content),
                source=span(sentence.rindex(who), who),
                cue=span(sentence.rindex("said"), "said"),
                kind="direct",
                speaker=speaker,
            )
        )
        text += sentence
    return Article(id=id, text=text, attributions=attributions, **fields)


def clinton_article(id: str = "art1", content: str = "Taxes will rise") -> Article:
    return make_article(id, [("Hillary Clinton", content, CLINTON)], entities=[CLINTON_ENTITY])


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as store:
        yield store


def search(store: Store, word: str) -> list[tuple[str, str]]:
    """Return (article id, attribution id) of the attributions whose full text has ``word``."""
    if store.dialect == "sqlite":
        sql = "SELECT article_id, attribution_id AS id FROM attributions_fts WHERE attributions_fts MATCH ?"
    else:
        sql = (
            "SELECT article_id, id FROM attributions WHERE to_tsvector('english', content_text || ' ' || "
            "coalesce(speaker_name, '') || ' ' || coalesce(source_text, '')) @@ plainto_tsquery('english', ?)"
        )
    return sorted((row["article_id"], row["id"]) for row in store.fetch(sql, (word,)))


def test_migrations_apply_once_and_are_logged(db_url):
    with Store(db_url) as store:
        assert store.migrate() == ["0001_corpus"]
        assert store.migrate() == []
    with open_store(db_url) as store:
        assert store.migrate() == []
        assert [row["name"] for row in store.fetch("SELECT name FROM _quotegraph_migrations")] == ["0001_corpus"]


def test_a_database_from_a_newer_quotegraph_is_refused(store, db_url):
    store.db.execute("INSERT INTO _quotegraph_migrations (name, applied_at) VALUES ('0099_future', 'later')")
    with pytest.raises(BadDatabase, match=r"\[Q605\].*newer quotegraph \(migrations 0099_future\)"):
        open_store(db_url)


def test_an_article_saved_twice_is_stored_once(store):
    article = clinton_article()
    store.save([article])
    store.save([article, article])
    assert store.counts() == {"articles": 1, "attributions": 1, "sources": 1, "entities": 1, "failures": 0}
    assert store.stored_hashes(["art1", "missing"]) == {"art1": text_hash(article.text)}


def test_a_changed_text_replaces_the_rows_and_the_search(store):
    store.save([clinton_article(content="Taxes will rise")])
    trump = Speaker(name="Donald Trump", type="person")
    changed = make_article("art1", [("Donald Trump", "Wages will rise", trump), ("Donald Trump", "We win", trump)])
    store.save([changed])
    rows = store.fetch("SELECT content_text, speaker_name FROM attributions ORDER BY id")
    assert rows == [
        {"content_text": "Wages will rise", "speaker_name": "Donald Trump"},
        {"content_text": "We win", "speaker_name": "Donald Trump"},
    ]
    assert store.fetch("SELECT n_attributions, text_sha256 FROM articles") == [
        {"n_attributions": 2, "text_sha256": text_hash(changed.text)}
    ]
    assert search(store, "taxes") == []
    assert search(store, "wages") == [("art1", "a1")]
    # Clinton no longer speaks anywhere: her source and its aliases are gone.
    assert [row["name"] for row in store.fetch("SELECT name FROM sources")] == ["Donald Trump"]
    assert store.fetch("SELECT alias FROM source_aliases") == [{"alias": "Donald Trump"}]


def test_sources_are_shared_across_articles(store):
    ministry = Speaker(name="Ministry of Health", type="organization", role="regulator")
    health_ministry = Speaker(name="Health Ministry", type="organization")
    first = make_article(
        "art1",
        [("Hillary Clinton", "We will win", CLINTON), ("the Ministry of Health", "Cases fell", ministry)],
        entities=[CLINTON_ENTITY],
    )
    second = make_article(
        "art2",
        [
            ("Clinton", "We are ahead", CLINTON),
            ("the Health Ministry", "Tests rose", health_ministry),
            ("the Health Ministry", "Beds are free", health_ministry),
        ],
        entities=[CLINTON_ENTITY],
    )
    store.save([first])
    store.save([second])
    sources = store.fetch("SELECT id, key, name, type, role FROM sources ORDER BY key")
    assert [(s["key"], s["name"], s["type"], s["role"]) for s in sources] == [
        ("organization:health ministry", "Health Ministry", "organization", "regulator"),
        ("person:hillary clinton", "Hillary Clinton", "person", "candidate"),
    ]
    ministry_id, clinton_id = (s["id"] for s in sources)
    assert store.fetch("SELECT count(*) AS n FROM attributions WHERE source_id = ?", (ministry_id,)) == [{"n": 3}]
    aliases = store.fetch("SELECT alias FROM source_aliases WHERE source_id = ? ORDER BY alias", (clinton_id,))
    assert [row["alias"] for row in aliases] == ["Clinton", "Hillary Clinton"]
    linked = store.fetch("SELECT article_id, source_id FROM entities ORDER BY article_id")
    assert linked == [{"article_id": "art1", "source_id": clinton_id}, {"article_id": "art2", "source_id": clinton_id}]


def test_a_source_key_folds_accents():
    assert source_key(Speaker(name="José Martí", type="person")) == source_key(Speaker(name="Jose Marti", type="person"))


def test_the_alias_list_decides_a_source_key():
    fbi = source_key(Speaker(name="the F.B.I.", type="organization"))
    assert fbi == source_key(Speaker(name="Federal Bureau of Investigation", type="organization"))
    assert source_key(Speaker(name="Ministry of Health", type="organization")) == "organization:health ministry"
    assert source_key(Speaker(name="Hillary Clinton", type="person")) == "person:hillary clinton"
    assert source_key(Speaker(name="officials", type="group")) == "group:officials"


def test_anonymous_and_unknown_speakers_get_no_source(store):
    anonymous = Speaker(type="anonymous", role="official")
    unknown = Speaker(type="unknown")
    store.save([make_article("art1", [("an official", "It is over", anonymous), ("someone", "Fine", unknown)])])
    assert store.fetch("SELECT source_id, speaker_type, role FROM attributions ORDER BY id") == [
        {"source_id": None, "speaker_type": "anonymous", "role": "official"},
        {"source_id": None, "speaker_type": "unknown", "role": None},
    ]
    assert store.counts()["sources"] == 0


def test_failures_are_recorded_and_a_later_save_clears_them(store):
    store.record_failures([("art1", "tagger crashed"), ("feed.jsonl:3", "not JSON")])
    store.record_failures([("art1", "tagger crashed again")])
    assert store.fetch("SELECT input, reason FROM failures ORDER BY input") == [
        {"input": "art1", "reason": "tagger crashed again"},
        {"input": "feed.jsonl:3", "reason": "not JSON"},
    ]
    store.save([clinton_article("art1")])
    assert [row["input"] for row in store.fetch("SELECT input FROM failures")] == ["feed.jsonl:3"]


def test_full_text_search_finds_content_words_and_speakers(store):
    store.save([clinton_article("art1", "Taxes will rise"), clinton_article("art2", "Wages are falling")])
    assert search(store, "wages") == [("art2", "a1")]
    assert search(store, "clinton") == [("art1", "a1"), ("art2", "a1")]


def test_article_columns(store):
    quotes = [("Hillary Clinton", "We will win", CLINTON)]
    article = make_article("art1", quotes, date=dt.date(2016, 10, 31), title="Vote 100% sure", publisher="The Post")
    store.save([article])
    row = store.fetch("SELECT date, month, title, publisher, schema_version FROM articles")[0]
    assert row == {
        "date": "2016-10-31",
        "month": "2016-10",
        "title": "Vote 100% sure",
        "publisher": "The Post",
        "schema_version": article.schema_version,
    }
    # "?" and ":name" placeholders work on both databases, next to a literal "%".
    assert store.fetch("SELECT id FROM articles WHERE title LIKE '%100%' AND id = ?", ("art1",)) == [{"id": "art1"}]
    assert store.fetch("SELECT id FROM articles WHERE month = :month", {"month": "2016-10"}) == [{"id": "art1"}]


def test_a_failed_save_leaves_nothing_half_written(store, monkeypatch):
    store.save([clinton_article("art1", "Taxes will rise")])
    before = store.counts()

    def crash(rows):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store.db, "add_search_rows", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.save([clinton_article("art1", "Wages will rise"), clinton_article("art2")])
    assert store.counts() == before
    assert store.fetch("SELECT content_text FROM attributions") == [{"content_text": "Taxes will rise"}]


def test_a_killed_writer_leaves_whole_batches_and_a_rerun_goes_on(db_url, tmp_path):
    writer = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import CLINTON, make_article
        from quotegraph.store import open_store

        store = open_store({db_url!r})
        for batch in range(1000):
            quotes = [("Hillary Clinton", f"Point {{n}}", CLINTON) for n in range(40)]
            store.save([make_article(f"b{{batch}}-{{n}}", quotes) for n in range(20)])
            print(batch, flush=True)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    for _ in range(3):
        assert process.stdout.readline(), "the writer stopped before it was killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with open_store(db_url) as store:
        counts = store.counts()
        assert counts["articles"] % 20 == 0 and counts["attributions"] == 40 * counts["articles"]
        if store.dialect == "sqlite":
            assert store.fetch("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
            assert store.fetch("SELECT count(*) AS n FROM attributions_fts") == [{"n": counts["attributions"]}]
        store.save([make_article("b0-0", [("Hillary Clinton", "Again", CLINTON)])])
        assert store.counts()["articles"] == counts["articles"]


def test_url_errors_say_what_failed(tmp_path):
    with pytest.raises(BadDatabase, match=r"\[Q601\] cannot read database URL 'mysql://me:\*\*\*@host/db'"):
        open_store("mysql://me:secret@host/db")
    with pytest.raises(BadDatabase, match=r"\[Q602\] cannot open SQLite database .*missing/corpus.db"):
        open_store(f"sqlite:///{tmp_path}/missing/corpus.db")
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database, just some words " * 100)
    with pytest.raises(BadDatabase, match=r"\[Q603\] .*notes.txt is not a SQLite database"):
        open_store(f"sqlite:///{not_sqlite}")


def test_an_unreachable_postgresql_server_is_named():
    url = "postgresql://me:secret@127.0.0.1:9/corpus"
    with pytest.raises(BadDatabase, match=r"\[Q604\] cannot connect to PostgreSQL at postgresql://me:\*\*\*@127.0.0.1:9/corpus"):
        open_store(url)


def test_the_default_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTEGRAPH_DB_URL", f"sqlite:///{tmp_path}/env.db")
    with open_store() as store:
        assert store.url == f"sqlite:///{tmp_path}/env.db" and store.dialect == "sqlite"
    monkeypatch.delenv("QUOTEGRAPH_DB_URL")
    monkeypatch.chdir(tmp_path)
    with open_store() as store:
        assert store.url == "sqlite:///quotegraph.db"
    assert (tmp_path / "quotegraph.db").exists()
