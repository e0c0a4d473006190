import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = Path(os.environ.get("QUOTEGRAPH_POLNEAR", ROOT.parent / "shared" / "polnear"))
SCHEMA = json.loads((ROOT / "quotegraph" / "schema" / "article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp():
    """The shipped pipeline, loaded once for the whole run."""
    import quotegraph

    return quotegraph.load()


@pytest.fixture(scope="session")
def polnear_dev() -> Path:
    """The PolNeAR dev split; tests that need it skip, saying why, where it is absent."""
    dev = POLNEAR / "dev"
    if not (dev / "text").is_dir():
        pytest.skip(f"PolNeAR dev split not found at {dev} (set QUOTEGRAPH_POLNEAR to the corpus root)")
    return dev


def assert_article_json(data: dict, text: str) -> None:
    """Check an article's JSON: it validates, every span reads ``text``, every id it cites exists."""
    jsonschema.validate(data, SCHEMA)
    assert "text" not in data
    spans = [span for a in data["attributions"] for span in (a["source"], a["cue"], a["content"], a["time"]) if span]
    spans += [span for entity in data["entities"] for span in entity["mentions"]] + data["boilerplate"]
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
        for start, end in span.get("parts") or []:
            assert span["start"] <= start < end <= span["end"]
    entity_ids = {entity["id"] for entity in data["entities"]}
    attribution_ids = {a["id"] for a in data["attributions"]}
    for attribution in data["attributions"]:
        speaker = attribution["speaker"]
        assert speaker is None or speaker["entity"] is None or speaker["entity"] in entity_ids
        assert attribution["responds_to"] in attribution_ids | {None}
        assert attribution["continues"] in attribution_ids | {None}
        assert attribution["continues"] is None or attribution["cue"] is None


@pytest.fixture(scope="session")
def check_article():
    """The output-contract check, for tests to call on each article JSON."""
    return assert_article_json


def postgres_bin() -> Path | None:
    """Return the folder holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    if found := shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: float(p.parents[1].name))
    return versions[-1].parent if versions else None


def corpus_db(folder: Path, articles: list[dict]) -> str:
    """Ingest ``articles`` (JSONL objects) with the real pipeline into a fresh SQLite file in ``folder``; return its URL."""
    from quotegraph.batch import ingest

    inputs = folder / "articles.jsonl"
    inputs.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    url = f"sqlite:///{folder / 'corpus.db'}"
    assert ingest([str(inputs)], url, progress=False).articles == len(articles)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the run; yields the URL of its database quotegraph_test.

    The server lives in a temporary folder, listens on 127.0.0.1 at a free port, and
    is stopped and deleted at the end. As root, it runs as the user postgres:
    PostgreSQL refuses to run as root.
    """
    import psycopg

    from quotegraph.serve.load import free_port

    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL not installed: no initdb on PATH or in /usr/lib/postgresql/*/bin - install the Debian "
            "package postgresql (scripts/install-test-services.sh does)"
        )
    root = Path(tempfile.mkdtemp(prefix="quotegraph-pg-"))
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]

    def run(*command: object) -> None:
        done = subprocess.run([*as_owner, *map(str, command)], cwd=root, capture_output=True, text=True)
        if done.returncode:
            log = root / "server.log"
            raise RuntimeError(f"{command[0]} failed: {done.stderr}{log.read_text() if log.exists() else ''}")

    data, port = root / "data", free_port()
    try:
        run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -F"
        run(bin_dir / "pg_ctl", "-D", data, "-l", root / "server.log", "-o", options, "-w", "start")
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE quotegraph_test")
        yield f"postgresql://postgres@127.0.0.1:{port}/quotegraph_test"
    finally:
        if (data / "postmaster.pid").exists():
            run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on SQLite and once (marked postgres) on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corpus.db'}"
    import psycopg

    url = request.getfixturevalue("postgres_url")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    return url


@pytest.fixture(scope="session")
def write_warc():
    """A function that writes a WARC file (gzipped per record if its name ends in .gz) of HTTP responses.

    Each response is ``(uri, status, content_type, body, warc_date)``, e.g.
    ``("https://example.com/a", "200 OK", "text/html", b"<html>…", "2021-03-01T10:00:00Z")``.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def write(path: Path, responses: list[tuple[str, str, str, bytes, str]]) -> Path:
        with open(path, "wb") as out:
            writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
            for uri, status, content_type, body, warc_date in responses:
                headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=headers,
                    warc_headers_dict={"WARC-Date": warc_date},
                )
                writer.write_record(record)
        return path

    return write
