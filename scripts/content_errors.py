"""Sort the content parts a tagger gets wrong on a PolNeAR split by what went wrong.

usage: python scripts/content_errors.py [SPLIT] [--model DIR]

Each gold content part is exact, missed (no predicted part overlaps it; "tagged
but dropped" when a content run of the tagger overlaps it but grouping found no
cue for it), split (several predicted parts overlap it), or one overlapping
prediction with its start and/or end off.
"""

from __future__ import annotations

import argparse
import collections
import os

from quotegraph.extract import extract
from quotegraph.extract.runs import decode_runs
from quotegraph.ingest.brat import read_split
from quotegraph.nlp.tagger import Tagger, viterbi
from quotegraph.pipeline import SHIPPED_MODEL
from quotegraph.text.words import tokenize


def parts(attributions) -> list[tuple[int, int]]:
    return [tuple(p) for a in attributions for p in a.content.pieces]


def overlapping(span: tuple[int, int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [s for s in spans if s[0] < span[1] and span[0] < s[1]]


def boundary(gold: tuple[int, int], pred: tuple[int, int]) -> str:
    start = "start ok" if pred[0] == gold[0] else "starts early" if pred[0] < gold[0] else "starts late"
    end = "end ok" if pred[1] == gold[1] else "ends early" if pred[1] < gold[1] else "ends late"
    return f"{start}, {end}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", nargs="?", default=os.path.join(os.environ.get("QUOTEGRAPH_POLNEAR", "../shared/polnear"), "dev"))
    parser.add_argument("--model", default=str(SHIPPED_MODEL))
    args = parser.parse_args()
    articles = read_split(args.split)
    words = [tokenize(a.text) for a in articles]
    tally: collections.Counter[str] = collections.Counter()
    for article, w, logp in zip(articles, words, Tagger.load(args.model).predict(words)):
        predicted = parts(extract(w, logp))
        runs = [(int(w.starts[r.first]), int(w.ends[r.last])) for r in decode_runs(viterbi(logp)) if r.role == "content"]
        for gold in parts(article.attributions):
            tally["gold parts"] += 1
            hits = overlapping(gold, predicted)
            if gold in predicted:
                tally["exact"] += 1
            elif not hits:
                tally["missed"] += 1
                tally["missed, tagged but dropped"] += bool(overlapping(gold, runs))
            elif len(hits) > 1:
                tally["split"] += 1
            else:
                tally["one boundary off" if boundary(gold, hits[0]).count(" ok") == 1 else "both boundaries off"] += 1
                tally[f"  {boundary(gold, hits[0])}"] += 1
    for name, count in sorted(tally.items(), key=lambda item: item[0].startswith("  ")):
        print(f"{name:32} {count:6}")


if __name__ == "__main__":
    main()
