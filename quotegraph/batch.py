"""Ingest articles into the corpus database, in one process, several, or on Ray.

How a run goes:

1. ``read_inputs`` streams the input articles, taken ``CHUNK_ARTICLES`` at a
   time, so memory stays flat on millions of them;
2. of each chunk, the input failures are recorded, and the articles stored
   under their id with the same text (its SHA-256) are skipped;
3. an engine finds the attributions of the rest: ``local`` runs
   ``Pipeline.pipe`` in this process or ``jobs`` worker processes, ``ray``
   runs Ray Data ``map_batches`` with a worker class that loads the model once;
   both process the same batches of ``PIPE_BATCH`` articles, so they give the
   same attributions;
4. every ``batch_size`` processed articles are saved in one transaction; an
   article that fails to process is recorded as a failure under its id.

Nothing is committed half way, so a run killed at any moment (even ``kill -9``)
leaves only whole articles; run it again and it skips those and goes on, and
the database ends as an uninterrupted run leaves it. Ray is imported here only,
and only for the ray engine.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from quotegraph.api import load
from quotegraph.config import Settings, load_settings
from quotegraph.errors import BadSetting, EngineUnavailable
from quotegraph.ingest.inputs import InputFailure, count_inputs, read_inputs
from quotegraph.model import Article
from quotegraph.pipeline import Pipeline
from quotegraph.store import Store, open_store, text_hash

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
# Input articles read, checked against the database and handed to the engine at a time.
CHUNK_ARTICLES = 1000
# Articles the pipeline processes together (Pipeline.pipe batches, Ray Data batches).
PIPE_BATCH = 8
# A run in which at least this share of the inputs failed exits with code 2.
NEARLY_ALL = 0.9


@dataclass
class IngestSummary:
    """What a run did: articles saved now, skipped (already stored with the same text), attributions saved, failures."""

    articles: int = 0
    skipped: int = 0
    attributions: int = 0
    failures: int = 0
    seconds: float = 0.0

    def exit_code(self) -> int:
        """Return 0 when every input went in, 2 when nearly all (90%) failed, 1 when some did."""
        if not self.failures:
            return 0
        inputs = self.articles + self.skipped + self.failures
        return 2 if self.failures >= NEARLY_ALL * inputs else 1

    def to_json(self) -> dict[str, Any]:
        """Return the summary as a dict, with articles saved per second."""
        rate = self.articles / self.seconds if self.seconds else 0.0
        return {**asdict(self), "seconds": round(self.seconds, 3), "articles_per_s": round(rate, 2)}


def ingest(
    inputs: list[str],
    db: str | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    settings: Settings | None = None,
    batch_size: int = 64,
    progress: bool = True,
    html: bool | None = None,
) -> IngestSummary:
    """Find the attributions of the articles of ``inputs`` and save them to the corpus database ``db``.

    Articles already stored under their id with the same text are skipped, so a
    second run, or a run after an interrupted one, only does what is left. Each
    input failure and each article that fails to process is logged, recorded in
    the database's failures table with its reason, and the run goes on.

    Args:
        inputs: files, folders or ``-`` (stdin), as ``quotegraph.ingest.inputs.read_inputs`` reads them.
        db: database URL; None reads ``$QUOTEGRAPH_DB_URL``, else ``sqlite:///quotegraph.db``.
        jobs: worker processes (local engine) or Ray workers (ray engine), each loading the model.
        engine: ``local`` or ``ray``.
        ray_address: the Ray cluster to run on (``HOST:6379``, or ``auto``); None starts a local Ray with ``jobs`` CPUs.
        settings: pipeline settings; the defaults if None.
        batch_size: articles saved per transaction.
        progress: show a progress bar on stderr.
        html: True reads every text input as HTML, False none, None those that look like HTML.

    Raises:
        BadInput: an input path does not exist.
        BadSetting: an unknown engine, ``jobs`` or ``batch_size`` below 1, or ``ray_address`` without the ray engine.
        BadDatabase: the database cannot be opened.
        EngineUnavailable: Ray is not installed or its cluster cannot be reached.
    """
    started = time.perf_counter()
    check_options(jobs, engine, ray_address, batch_size)
    settings = settings or load_settings()
    items = read_inputs(list(inputs), max_chars=settings["input"]["max_chars"], html=html)
    total = count_inputs(list(inputs)) if progress else None
    with ExitStack() as stack:
        store = stack.enter_context(open_store(db))
        runner = stack.enter_context(RayEngine(settings, jobs, ray_address) if engine == "ray" else LocalEngine(settings, jobs))
        bar = stack.enter_context(
            tqdm(total=total, desc="ingesting", unit="article", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        )
        stack.enter_context(logging_redirect_tqdm() if progress else nullcontext())
        run = Run(store, batch_size, bar)
        while chunk := list(itertools.islice(items, CHUNK_ARTICLES)):
            articles = run.new_articles(chunk)
            if articles:
                for outcome in runner.process(articles):
                    run.keep(outcome)
        run.save()
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def check_options(jobs: int, engine: str, ray_address: str | None, batch_size: int) -> None:
    """Refuse options that cannot work, before anything is read or started.

    Raises:
        BadSetting: an unknown engine, jobs or batch_size below 1, or a Ray address with the local engine.
    """
    if engine not in ENGINES:
        raise BadSetting(f"[Q702] engine {engine!r} is not one of {', '.join(ENGINES)} - pick one of them")
    if jobs < 1 or batch_size < 1:
        raise BadSetting(f"[Q703] jobs={jobs} and batch_size={batch_size} must both be at least 1")
    if ray_address and engine != "ray":
        raise BadSetting(f"[Q704] a Ray address ({ray_address}) needs the ray engine - add --engine ray")


@dataclass
class Run:
    """The bookkeeping of one ingest run: what to skip, what to save and when, what failed."""

    store: Store
    batch_size: int
    bar: tqdm
    summary: IngestSummary = field(default_factory=IngestSummary)
    pending: list[Article] = field(default_factory=list)

    def new_articles(self, chunk: list[Article | InputFailure]) -> list[Article]:
        """Record a chunk's input failures; return its articles not yet stored with the same text.

        An id given twice in the chunk keeps its last copy, as saving them in turn would.
        """
        self.record([item for item in chunk if isinstance(item, InputFailure)])
        latest: dict[str, Article] = {}
        for item in chunk:
            if isinstance(item, Article):
                latest.pop(item.id, None)
                latest[item.id] = item
        stored = self.store.stored_hashes(list(latest))
        articles = [article for article in latest.values() if stored.get(article.id) != text_hash(article.text)]
        skipped = sum(isinstance(item, Article) for item in chunk) - len(articles)
        self.summary.skipped += skipped
        self.bar.update(skipped)
        return articles

    def keep(self, outcome: Article | InputFailure) -> None:
        """Queue a processed article, saving the queue once it holds ``batch_size``; record a failed one."""
        if isinstance(outcome, InputFailure):
            self.record([outcome])
            return
        self.pending.append(outcome)
        self.bar.update()
        if len(self.pending) >= self.batch_size:
            self.save()

    def save(self) -> None:
        """Save the queued articles in one transaction."""
        if not self.pending:
            return
        self.store.save(self.pending)
        self.summary.articles += len(self.pending)
        self.summary.attributions += sum(len(article.attributions) for article in self.pending)
        self.pending = []

    def record(self, failures: list[InputFailure]) -> None:
        """Log failures and record them in the database."""
        if not failures:
            return
        for failure in failures:
            log.warning("failed: %s: %s", failure.source, failure.reason)
        self.store.record_failures([(failure.source, failure.reason) for failure in failures])
        self.summary.failures += len(failures)
        self.bar.update(len(failures))


class LocalEngine:
    """``Pipeline.pipe`` in this process (``jobs`` = 1) or in ``jobs`` forked worker processes.

    The model is loaded at the first articles, so a run with nothing new to do
    does not load it. A batch that fails is done again one article at a time
    here, to tell the failing article from the others.
    """

    def __init__(self, settings: Settings, jobs: int) -> None:
        self.settings = settings
        self.jobs = jobs
        self.pipeline: Pipeline | None = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def process(self, articles: list[Article]) -> Iterator[Article | InputFailure]:
        """Yield each article processed, or an InputFailure for one that raised, in input order."""
        if self.pipeline is None:
            self.pipeline = load(settings=self.settings)
        done = 0
        while done < len(articles):
            try:
                for article in self.pipeline.pipe(articles[done:], n_process=self.jobs, batch_size=PIPE_BATCH):
                    yield article
                    done += 1
            except Exception:  # whatever one article raises, the others go on
                failed_batch = articles[done : done + PIPE_BATCH]
                yield from process_batch(self.pipeline, failed_batch)
                done += len(failed_batch)


class RayEngine:
    """Ray Data ``map_batches`` over each list of articles, on a local Ray or a cluster.

    Ray starts at the first articles: locally with ``jobs`` CPUs, no dashboard
    and quiet logs, or connected to the cluster at ``address``. Each list of
    articles is one dataset, processed by ``jobs`` workers that load the model
    once each; only this process reads the inputs and writes the database.
    """

    def __init__(self, settings: Settings, jobs: int, address: str | None) -> None:
        self.settings = settings
        self.jobs = jobs
        self.address = address
        self.ray: Any = None
        self.started_ray = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.started_ray:
            self.ray.shutdown()

    def start(self) -> None:
        """Import Ray and start or join it, unless this process already did.

        Raises:
            EngineUnavailable: Ray is not installed, or the cluster at ``address`` cannot be reached.
        """
        try:
            import ray
        except ImportError as error:
            raise EngineUnavailable(
                "[Q705] the ray engine needs Ray - install it with pip install 'quotegraph[ray]', or use --engine local"
            ) from error
        self.ray = ray
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            try:
                if self.address:
                    ray.init(address=self.address, logging_level=logging.ERROR, log_to_driver=False)
                else:
                    ray.init(num_cpus=self.jobs, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
            except ConnectionError as error:
                raise EngineUnavailable(
                    f"[Q706] cannot reach the Ray cluster at {self.address}: {error} - start its head with "
                    "`ray start --head` and give its HOST:6379, or leave out --ray-address for a local Ray"
                ) from error
            self.started_ray = True
        import ray.data  # configures its loggers, which are quietened next

        # Ray Data logs the traces of failed workers too; the run's error says what failed, and Ray's log files keep them.
        logging.getLogger("ray.data").setLevel(logging.CRITICAL)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        context.execution_options.preserve_order = True

    def process(self, articles: list[Article]) -> Iterator[Article | InputFailure]:
        """Yield each article processed, or an InputFailure for one that raised, in input order."""
        if self.ray is None:
            self.start()
        dataset = self.ray.data.from_items([{"article": article.model_dump_json()} for article in articles])
        with warnings.catch_warnings():
            # max_restarts is only a "ray_remote_args" keyword, which Ray 2.60 deprecates without a replacement.
            warnings.simplefilter("ignore", DeprecationWarning)
            results = dataset.map_batches(
                RayArticleProcessor,
                fn_constructor_kwargs={"settings": one_thread(self.settings)},
                compute=self.ray.data.ActorPoolStrategy(size=self.jobs),
                batch_size=PIPE_BATCH,
                batch_format="numpy",
                num_cpus=1,
                # A worker that dies ends the run, which the next run resumes, rather than being restarted
                # forever on an article that kills it (Ray also logs an error line for restartable workers).
                max_restarts=0,
            )
        try:
            for row in results.iter_rows():
                if row["failure"]:
                    yield InputFailure(row["id"], row["failure"])
                else:
                    yield Article.model_validate_json(row["article"])
        except self.ray.exceptions.RayError as error:
            raise EngineUnavailable(
                f"[Q709] the Ray workers failed: {last_line(error)} - check that every machine of the cluster has the "
                "same quotegraph and model installed (pip install 'quotegraph[ray]'), then run again: what was saved "
                "is skipped (Ray's own logs, under /tmp/ray/session_latest/logs, hold the full trace)"
            ) from error


class RayArticleProcessor:
    """A Ray Data worker: loads the pipeline once, then processes batches of articles given as JSON."""

    def __init__(self, settings: Settings) -> None:
        self.pipeline = load(settings=settings)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[str]]:
        articles = [Article.model_validate_json(text) for text in batch["article"]]
        columns: dict[str, list[str]] = {"id": [], "article": [], "failure": []}
        for article, outcome in zip(articles, process_batch(self.pipeline, articles)):
            columns["id"].append(article.id)
            columns["article"].append(outcome.model_dump_json() if isinstance(outcome, Article) else "")
            columns["failure"].append(outcome.reason if isinstance(outcome, InputFailure) else "")
        return columns


def process_batch(pipeline: Pipeline, articles: list[Article]) -> list[Article | InputFailure]:
    """Process articles together; if that raises, process them one at a time and fail only those that raise."""
    for article in articles:
        article.ext.clear()  # a batch that raised before may have left the stages' working data behind
    try:
        return pipeline.process(articles)
    except Exception:  # find the article that raised, below
        return [process_one(pipeline, article) for article in articles]


def process_one(pipeline: Pipeline, article: Article) -> Article | InputFailure:
    """Process one article, or return an InputFailure under its id saying what it raised."""
    article.ext.clear()
    try:
        return pipeline.process([article])[0]
    except Exception as error:  # one bad article must not stop the run
        return InputFailure(
            article.id,
            f"[Q707] processing failed: {type(error).__name__}: {error} - the article is left out; "
            "a later run tries it again",
        )


def last_line(error: Exception) -> str:
    """Return the last non-blank line of an error's message: the cause, at the end of the traces Ray errors carry."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def one_thread(settings: Settings) -> Settings:
    """Return settings with one torch thread: each Ray worker holds one CPU."""
    return {**settings, "tagger": {**settings["tagger"], "threads": 1}}
