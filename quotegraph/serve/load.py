"""Load-test ``quotegraph serve``: a real server on loopback, concurrent clients, latencies, errors and memory.

How a run goes (``quotegraph bench --serve``):

1. the database: a copy of the given SQLite file (PostgreSQL is used as it is:
   the requests only read), or, with none given, a fresh one that the server
   fills itself, through ``POST /api/articles``, with the bundled sample articles;
2. ``quotegraph serve`` starts as a subprocess on a free loopback port;
3. the ids, words and short texts the requests use are read from the server,
   and one request of each kind warms it up (the model loads on the first extract);
4. ``clients`` concurrent clients (httpx, one event loop) send the ``requests``:
   about one in ten extracts a short text, the rest read an article, the
   source list, a source, a search or a claim thread, in a shuffled order;
5. it reports per kind of request and overall the count, the errors (any
   status from 400 up, or no answer) and the p50 and p99 latency, and the
   server's resident memory (VmRSS) when the requests start, half way and at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from quotegraph.errors import BadDatabase, QuotegraphError

SAMPLE_ARTICLES = Path(__file__).parents[1] / "samples" / "articles.jsonl"
READ_KINDS = ("article", "sources", "source", "search", "responses")
KINDS = ("extract", *READ_KINDS)
EXTRACT_SHARE = 0.1
# Short texts for extract: quoted paragraphs of the stored articles of at most this many characters.
SHORT_TEXT = 400
STARTUP_SECONDS = 120
REQUEST_SECONDS = 120


class ServerUnavailable(QuotegraphError):
    """The server under test did not start, or stopped answering."""


@dataclass
class Targets:
    """What the requests ask for: stored ids, search words and texts to extract."""

    article_ids: list[str] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    attribution_ids: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def run_load_test(db: str | None = None, *, requests: int = 2000, clients: int = 16, seed: int = 0) -> dict[str, Any]:
    """Start ``quotegraph serve`` on loopback and send it ``requests`` requests from ``clients`` concurrent clients.

    Args:
        db: the corpus to serve: a SQLite URL (a copy is served) or a PostgreSQL one (served as it is,
            read only); None builds a fresh one from the bundled sample articles.
        requests: requests to time, after the warm-up.
        clients: clients sending them at the same time.
        seed: seed of the mix and order of the requests.

    Returns:
        ``{"requests", "clients", "database", "seconds", "requests_per_s", "kinds": {KIND: {"count",
        "errors", "p50_ms", "p99_ms"}}, "all": {the same}, "server_rss_mb": {"start", "middle", "end"},
        "error_examples"}``.

    Raises:
        BadDatabase: the given SQLite file does not exist or cannot be copied.
        ServerUnavailable: the server did not start, or the corpus has nothing to read.
    """
    with tempfile.TemporaryDirectory(prefix="quotegraph-load-") as folder:
        if db is None:
            url, described = f"sqlite:///{Path(folder) / 'load.db'}", f"a fresh database of {SAMPLE_ARTICLES.name}"
        elif db.startswith("sqlite:///"):
            url, described = copy_sqlite(db, Path(folder) / "load.db"), f"a copy of {db}"
        else:
            url, described = db, db
        token = secrets.token_urlsafe(24) if db is None else None
        with running_server(url, token, Path(folder) / "server.log") as (base_url, pid):
            result = asyncio.run(load(base_url, pid, token, requests, clients, random.Random(seed)))
    return {"requests": requests, "clients": clients, "database": described, **result}


def copy_sqlite(url: str, copy: Path) -> str:
    """Copy the SQLite database at ``url`` (consistently, with SQLite's backup) to ``copy``; return the copy's URL."""
    source = Path(url.removeprefix("sqlite:///"))
    if not source.is_file():
        raise BadDatabase(f"[Q910] no database at {source} - check --db, or leave it out to load-test the samples")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as original:
            with contextlib.closing(sqlite3.connect(copy)) as target:
                original.backup(target)
    except sqlite3.Error as error:
        raise BadDatabase(f"[Q910] cannot copy the SQLite database {source}: {error} - check --db") from error
    return f"sqlite:///{copy}"


def free_port() -> int:
    """Return a loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(url: str, token: str | None, log: Path, *options: str) -> Iterator[tuple[str, int]]:
    """Run ``quotegraph serve --db URL [OPTIONS]`` on a free loopback port until the block ends; yield its base URL and pid.

    Raises:
        ServerUnavailable: it exits, or does not answer within STARTUP_SECONDS.
    """
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "QUOTEGRAPH_API_TOKEN"}
    if token:
        env["QUOTEGRAPH_API_TOKEN"] = token
    command = [sys.executable, "-m", "quotegraph", "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server, log)
        yield base_url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(base_url: str, server: subprocess.Popen, log: Path) -> None:
    """Return once the server answers; raise ServerUnavailable if it exits or takes over STARTUP_SECONDS."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerUnavailable(
                f"[Q911] the server exited with code {server.returncode} before answering:\n{log.read_text()[-2000:]}"
            )
        try:
            if httpx.get(f"{base_url}/api/articles?limit=1", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise ServerUnavailable(f"[Q911] the server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


async def load(
    base_url: str, pid: int, token: str | None, requests: int, clients: int, rng: random.Random
) -> dict[str, Any]:
    """Fill (with a token) and warm up the server, send the requests, and return the figures."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_SECONDS, limits=limits) as client:
        if token:
            await ingest_samples(client, token)
        targets = await find_targets(client)
        for kind in KINDS:
            method, path, body = request_of(kind, targets, rng)
            response = await client.request(method, path, json=body)
            if response.status_code >= 400:
                raise ServerUnavailable(f"[Q912] warming up, {method} {path} got {response.status_code}: {response.text}")
        plan = request_plan(requests, rng)
        timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
        errors: dict[str, int] = {kind: 0 for kind in KINDS}
        examples: list[str] = []
        rss = {"start": resident_mb(pid)}
        pending = iter(plan)
        done = 0

        async def send_requests() -> None:
            nonlocal done
            for kind in pending:
                method, path, body = request_of(kind, targets, rng)
                started = time.perf_counter()
                try:
                    response = await client.request(method, path, json=body)
                    failed = response.status_code >= 400
                    problem = f"{method} {path}: {response.status_code} {response.text[:200]}"
                except httpx.HTTPError as error:
                    failed, problem = True, f"{method} {path}: {type(error).__name__} {error}"
                timings[kind].append(time.perf_counter() - started)
                if failed:
                    errors[kind] += 1
                    if len(examples) < 5:
                        examples.append(problem)
                done += 1
                if done == requests // 2:
                    rss["middle"] = resident_mb(pid)

        started = time.perf_counter()
        await asyncio.gather(*(send_requests() for _ in range(clients)))
        seconds = time.perf_counter() - started
        rss["end"] = resident_mb(pid)
    kinds = {kind: figures(timings[kind], errors[kind]) for kind in KINDS if timings[kind]}
    every = [timing for kind in KINDS for timing in timings[kind]]
    return {
        "seconds": round(seconds, 2),
        "requests_per_s": round(requests / seconds, 1),
        "kinds": kinds,
        "all": figures(every, sum(errors.values())),
        "server_rss_mb": rss,
        "error_examples": examples,
    }


async def ingest_samples(client: httpx.AsyncClient, token: str) -> None:
    """Store the bundled sample articles through the API (this also loads the server's model)."""
    articles = [json.loads(line) for line in SAMPLE_ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    response = await client.post("/api/articles", json=articles, headers={"authorization": f"Bearer {token}"})
    if response.status_code != 201:
        raise ServerUnavailable(f"[Q912] the server did not store the sample articles: {response.status_code} {response.text}")


async def find_targets(client: httpx.AsyncClient) -> Targets:
    """Read from the server the ids, words and short texts the requests will use.

    Claims that others answer are preferred as thread targets; any
    attribution will do where the corpus has none.
    """
    targets = Targets()
    listed = (await client.get("/api/articles", params={"limit": 200})).json()["items"]
    targets.article_ids = [item["id"] for item in listed]
    targets.source_ids = [item["id"] for item in (await client.get("/api/sources", params={"limit": 200})).json()["items"]]
    claims, attributions, words = set(), [], set()
    for article_id in targets.article_ids[:50]:
        article = (await client.get(f"/api/articles/{quote(article_id)}")).json()
        for attribution in article["attributions"]:
            attributions.append(f"{article_id}:{attribution['id']}")
            if attribution["responds_to"]:
                claims.add(f"{article_id}:{attribution['responds_to']}")
            words.update(re.findall(r"[A-Za-z]{6,}", attribution["content"]["text"]))
        targets.texts += [
            paragraph for paragraph in article["text"].split("\n")
            if len(paragraph) <= SHORT_TEXT and re.search("[“\"]", paragraph)
        ] or [article["text"][:SHORT_TEXT]]
    targets.attribution_ids = sorted(claims) or attributions
    targets.words = sorted(words)[:100]
    if not (targets.article_ids and targets.source_ids and targets.attribution_ids and targets.words):
        raise ServerUnavailable(
            "[Q913] the corpus has no article, source or attribution to read - load-test one that has, "
            "or leave --db out to use the samples"
        )
    return targets


def request_plan(requests: int, rng: random.Random) -> list[str]:
    """Return the kinds of the requests, shuffled: EXTRACT_SHARE of them extracts, the rest the reads in turn."""
    extracts = round(requests * EXTRACT_SHARE)
    plan = ["extract"] * extracts + [READ_KINDS[n % len(READ_KINDS)] for n in range(requests - extracts)]
    rng.shuffle(plan)
    return plan


def request_of(kind: str, targets: Targets, rng: random.Random) -> tuple[str, str, Any]:
    """Return the (method, path, JSON body or None) of one request of a kind, with its target picked at random."""
    if kind == "extract":
        return "POST", "/api/extract", {"text": rng.choice(targets.texts)}
    paths = {
        "article": lambda: f"/api/articles/{quote(rng.choice(targets.article_ids))}",
        "sources": lambda: "/api/sources?limit=20",
        "source": lambda: f"/api/sources/{rng.choice(targets.source_ids)}",
        "search": lambda: f"/api/search?q={quote(rng.choice(targets.words))}",
        "responses": lambda: f"/api/attributions/{quote(rng.choice(targets.attribution_ids))}/responses",
    }
    return "GET", paths[kind](), None


def resident_mb(pid: int) -> float | None:
    """Return a process's resident memory (VmRSS) in MB, None where /proc does not tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.M)
    return round(int(found.group(1)) / 1024, 1) if found else None


def figures(timings: list[float], errors: int) -> dict[str, Any]:
    """Return the count, errors, and p50 and p99 latency (ms, nearest rank) of some requests."""
    ordered = sorted(timings)

    def percentile(share: float) -> float:
        return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000, 1)

    return {"count": len(ordered), "errors": errors, "p50_ms": percentile(0.5), "p99_ms": percentile(0.99)}


def format_load(result: dict[str, Any]) -> str:
    """Return a load-test result as a plain-text report."""
    header = ("request", "count", "errors", "p50 ms", "p99 ms")
    rows = [header] + [
        (name, str(row["count"]), str(row["errors"]), f"{row['p50_ms']:.1f}", f"{row['p99_ms']:.1f}")
        for name, row in [*result["kinds"].items(), ("all", result["all"])]
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    rss = result["server_rss_mb"]
    lines = [
        f"{result['requests']} requests from {result['clients']} concurrent clients against {result['database']}: "
        f"{result['seconds']:.1f} s, {result['requests_per_s']:.1f} requests/s",
        *("  ".join([row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:]))]) for row in rows),
        "server memory (RSS): " + ", ".join(f"{when} {mb if mb is not None else '?'} MB" for when, mb in rss.items()),
        *(f"error: {example}" for example in result["error_examples"]),
    ]
    return "\n".join(lines) + "\n"
