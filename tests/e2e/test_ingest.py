"""``quotegraph ingest`` and ``quotegraph.batch.ingest``: the real model into a real database.

Articles are the bundled samples under many ids, so runs stay short.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotegraph.batch import ingest
from quotegraph.cli import quotegraph as quotegraph_cli
from quotegraph.pipeline import Pipeline
from quotegraph.store import open_store

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [path.read_text(encoding="utf-8") for path in sorted((REPO / "quotegraph" / "samples").glob("*.txt"))]
TABLES = ("articles", "attributions", "sources", "entities", "failures")
ATTRIBUTIONS = """
    SELECT a.article_id, a.id, a.kind, a.act, a.source_start, a.cue_start, a.content_start, a.content_end,
           a.speaker_name, s.key AS source_key
    FROM attributions a LEFT JOIN sources s ON s.id = a.source_id
    ORDER BY a.article_id, a.id
"""


def write_articles(path: Path, count: int, first: int = 0) -> Path:
    """Write a JSONL file of ``count`` sample articles with ids s<N>."""
    lines = [json.dumps({"id": f"s{n}", "text": SAMPLES[n % len(SAMPLES)], "publisher": "Millbrook Times"}) for n in range(first, first + count)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def page_of(text: str) -> bytes:
    """Wrap a sample text into a news page: its first line the headline, the rest paragraphs."""
    title, *paragraphs = [line for line in text.splitlines() if line.strip()]
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<html><head><title>{title}</title><meta property="og:site_name" content="Millbrook Times"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def snapshot(url: str) -> tuple[dict[str, int], list[dict]]:
    """Return the table counts and the attributions (with their source keys) of a database."""
    with open_store(url) as store:
        return {table: store.counts()[table] for table in TABLES}, store.fetch(ATTRIBUTIONS)


def run_cli(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``python -m quotegraph ARGS`` in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "quotegraph", *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def stored_articles(path: Path) -> int:
    """Count the committed articles of a SQLite database another process is writing; 0 before it has any."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or no articles table yet
        return 0


def test_kill_9_in_the_middle_then_rerun_ends_as_an_uninterrupted_run(tmp_path):
    inputs = write_articles(tmp_path / "news.jsonl", 60)
    command = [sys.executable, "-m", "quotegraph", "ingest", inputs, "--db", "sqlite:///killed.db", "--batch-size", "5"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while stored_articles(tmp_path / "killed.db") == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_at_kill = stored_articles(tmp_path / "killed.db")
    assert 0 < done_at_kill < 60 and done_at_kill % 5 == 0, "the kill was to land between two commits of a run"

    rerun = run_cli("ingest", inputs, "--db", "sqlite:///killed.db", "--batch-size", "5", "--format", "json", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert (summary["articles"], summary["skipped"], summary["failures"]) == (60 - done_at_kill, done_at_kill, 0)

    ingest([str(inputs)], f"sqlite:///{tmp_path / 'whole.db'}", batch_size=5, progress=False)
    killed, whole = snapshot(f"sqlite:///{tmp_path / 'killed.db'}"), snapshot(f"sqlite:///{tmp_path / 'whole.db'}")
    assert killed[0]["articles"] == 60 and killed[0]["attributions"] > 60
    assert killed == whole


def test_corrupt_inputs_are_recorded_as_failures_and_the_rest_lands(tmp_path, write_warc):
    good = write_articles(tmp_path / "good.jsonl", 3)
    with good.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    pages = [(f"https://www.example.com/{n}", "200 OK", "text/html", page_of(SAMPLES[n]), "2021-03-01T10:00:00Z") for n in range(3)]
    whole = write_warc(tmp_path / "crawl.warc.gz", pages).read_bytes()
    second = whole.index(b"\x1f\x8b\x08", 10)
    (tmp_path / "broken.warc.gz").write_bytes(whole[: second + 40] + b"\x00" * 40 + whole[second + 80 :])
    db = f"sqlite:///{tmp_path / 'corpus.db'}"

    result = CliRunner().invoke(
        quotegraph_cli, ["ingest", str(good), str(tmp_path / "junk.txt"), str(tmp_path / "broken.warc.gz"), "--db", db]
    )
    assert result.exit_code == 1, result.output
    assert "articles saved: 5" in result.output and "failed: 3" in result.output
    with open_store(db) as store:
        failures = {row["input"]: row["reason"] for row in store.fetch("SELECT input, reason FROM failures")}
        urls = [row["url"] for row in store.fetch("SELECT url FROM articles WHERE url IS NOT NULL ORDER BY url")]
    assert set(failures) == {f"{good}:4", str(tmp_path / "junk.txt"), f"{tmp_path / 'broken.warc.gz'}@{second}"}
    assert failures[f"{good}:4"].startswith("[Q415]") and failures[str(tmp_path / "junk.txt")].startswith("[Q413]")
    assert failures[f"{tmp_path / 'broken.warc.gz'}@{second}"].startswith("[Q701]")
    assert urls == ["https://www.example.com/0", "https://www.example.com/2"]


def test_nearly_all_inputs_failing_exits_with_2(tmp_path):
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01" * 100)
    result = CliRunner().invoke(quotegraph_cli, ["ingest", str(tmp_path / "junk.txt"), "--db", f"sqlite:///{tmp_path / 'c.db'}"])
    assert result.exit_code == 2, result.output


def test_article_that_raises_is_a_failure_and_the_others_are_saved(tmp_path, monkeypatch):
    process = Pipeline.process

    def process_or_raise(self, articles):
        if any("EXPLODE" in article.text for article in articles):
            raise RuntimeError("tagger blew up")
        return process(self, articles)

    monkeypatch.setattr(Pipeline, "process", process_or_raise)
    inputs = write_articles(tmp_path / "news.jsonl", 12)
    lines = inputs.read_text(encoding="utf-8").splitlines()
    lines[5] = json.dumps({"id": "bad", "text": "EXPLODE, the engineer said."})
    inputs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'corpus.db'}"

    summary = ingest([str(inputs)], db, progress=False)
    assert (summary.articles, summary.failures, summary.exit_code()) == (11, 1, 1)
    with open_store(db) as store:
        [failure] = store.fetch("SELECT input, reason FROM failures")
    assert failure["input"] == "bad"
    assert failure["reason"].startswith("[Q707] processing failed: RuntimeError: tagger blew up")


def test_same_input_twice_is_stored_once(tmp_path, db_url):
    inputs = write_articles(tmp_path / "news.jsonl", 6)
    first = ingest([str(inputs)], db_url, batch_size=4, progress=False)
    before = snapshot(db_url)
    second = ingest([str(inputs)], db_url, batch_size=4, progress=False)
    assert (first.articles, first.skipped, second.articles, second.skipped, second.attributions) == (6, 0, 0, 6, 0)
    assert before[0]["articles"] == 6 and before[0]["attributions"] == first.attributions
    assert snapshot(db_url) == before
    with open_store(db_url) as store:
        assert {row["publisher"] for row in store.fetch("SELECT publisher FROM articles")} == {"Millbrook Times"}


def test_changed_text_replaces_the_stored_article(tmp_path):
    inputs = write_articles(tmp_path / "news.jsonl", 6)
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    ingest([str(inputs)], db, progress=False)
    with open_store(db) as store:
        stored = {row["id"]: row for row in store.fetch("SELECT id, text, n_attributions FROM articles")}
    lines = inputs.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({"id": "s0", "text": SAMPLES[1]})  # s0 now reads as s1
    inputs.write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = ingest([str(inputs)], db, progress=False)
    assert (summary.articles, summary.skipped) == (1, 5)
    with open_store(db) as store:
        [s0] = store.fetch("SELECT text, n_attributions FROM articles WHERE id = 's0'")
        contents = store.fetch("SELECT article_id, content_text FROM attributions WHERE article_id IN ('s0', 's1') ORDER BY id")
        assert store.counts()["articles"] == 6
    assert stored["s0"]["text"] != SAMPLES[1] and s0 == {"text": SAMPLES[1], "n_attributions": stored["s1"]["n_attributions"]}
    assert [row["content_text"] for row in contents if row["article_id"] == "s0"] == [
        row["content_text"] for row in contents if row["article_id"] == "s1"
    ]


def test_warc_pages_are_ingested_with_their_url_date_and_publisher(tmp_path, write_warc):
    pages = [
        ("https://www.example.com/news/bridge", "200 OK", "text/html; charset=utf-8", page_of(SAMPLES[1]), "2021-03-02T09:30:00Z"),
        ("https://www.example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n", "2021-03-02T09:30:01Z"),
        ("https://www.example.com/news/lunch", "200 OK", "text/html", page_of(SAMPLES[2]), "2021-03-03T11:00:00Z"),
    ]
    crawl = write_warc(tmp_path / "crawl.warc.gz", pages)
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    summary = ingest([str(crawl)], db, progress=False)
    assert (summary.articles, summary.failures) == (2, 0) and summary.attributions > 2
    with open_store(db) as store:
        rows = store.fetch("SELECT id, url, date, publisher, n_attributions FROM articles ORDER BY date")
    assert [(row["url"], row["date"], row["publisher"]) for row in rows] == [
        ("https://www.example.com/news/bridge", "2021-03-02", "Millbrook Times"),
        ("https://www.example.com/news/lunch", "2021-03-03", "Millbrook Times"),
    ]
    assert all(row["id"].startswith("example.com-") and row["n_attributions"] > 0 for row in rows)


@pytest.mark.ray
def test_ray_engine_gives_the_same_attributions_as_the_local_engine(tmp_path):
    inputs = write_articles(tmp_path / "news.jsonl", 6)
    local = ingest([str(inputs)], f"sqlite:///{tmp_path / 'local.db'}", progress=False)
    on_ray = ingest([str(inputs)], f"sqlite:///{tmp_path / 'ray.db'}", engine="ray", jobs=2, progress=False)
    assert (on_ray.articles, on_ray.attributions) == (local.articles, local.attributions) == (6, local.attributions)
    assert snapshot(f"sqlite:///{tmp_path / 'ray.db'}") == snapshot(f"sqlite:///{tmp_path / 'local.db'}")


def test_bench_ingest_reports_speed_overhead_and_memory(tmp_path):
    sample = REPO / "quotegraph" / "samples" / "harbor-bridge-vote.txt"
    process = run_cli(
        "bench", "--ingest", sample, "--ingest-articles", 6, "--memory-articles", 12, "--jobs", 2, "--format", "json",
        cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)
    timed, memory = result["ingest"], result["memory"]
    assert (result["articles"], result["jobs"]) == (6, 2)
    assert all(timed[run]["articles_per_s"] > 0 for run in ("single", "parallel", "extraction_only"))
    assert timed["speedup"] > 0 and timed["overhead"] > -1
    assert (memory["articles"], memory["jobs"], memory["marks"]) == (12, 2, [])
    assert memory["peak_main_mb"] > 0 and memory["peak_all_mb"] > 0


def test_package_exports_batch_ingest_as_ingest_corpus():
    import quotegraph

    assert quotegraph.ingest_corpus is ingest
    assert quotegraph.ingest.__name__ == "quotegraph.ingest"  # the input readers' package keeps its name
