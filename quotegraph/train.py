"""Train the attribution tagger on a PolNeAR split and keep the epoch best on dev.

With a teacher (a tagger trained before, usually on a larger encoder), the loss
mixes the gold labels with the teacher's label distribution on each word, so a
small encoder learns what the teacher makes of the same words (distillation).

Reproducible: seeds are fixed, examples are shuffled with a seeded generator,
and torch runs deterministic CPU kernels on a fixed number of threads.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from quotegraph.errors import ModelNotFound
from quotegraph.ingest.brat import read_split
from quotegraph.model import Article
from quotegraph.nlp.labels import gold_labels
from quotegraph.nlp.tagger import (
    DEFAULT_ENCODER,
    ENCODERS,
    FROZEN,
    LABELS,
    META_FILE,
    MODEL_FILE,
    Tagger,
    load_base,
    read_meta,
    to_pieces,
    window_batch,
)
from quotegraph.text.words import tokenize

log = logging.getLogger(__name__)


@dataclass
class TrainSettings:
    epochs: int = 7
    batch_size: int = 8
    learning_rate: float = 1.5e-4
    weight_decay: float = 0.01
    warmup: float = 0.05
    window: int = 256
    seed: int = 13
    threads: int = 2
    # "cpu", "cuda" or "auto" (cuda when torch sees a GPU). A GPU run is not bit-for-bit
    # reproducible on CPU, but follows the same recipe.
    device: str = "cpu"
    encoder: str = DEFAULT_ENCODER
    # A trained tagger directory whose word label distributions the student learns too,
    # weighted by `distill` against the gold labels, softened by `temperature`.
    teacher: str | None = None
    distill: float = 0.5
    temperature: float = 2.0


def encode(articles: list[Article], tokenizer, teacher: Tagger | None = None) -> list[tuple]:
    """Return (pieces, piece labels, piece teacher log-probabilities or None) per article.

    Labels are -100 off each word's first piece; the teacher's word scores are
    copied onto every piece of the word (only first pieces are trained on).
    """
    out = []
    for article in tqdm(articles, desc="teacher labelling", unit="article", disable=teacher is None):
        words = tokenize(article.text)
        if len(words):
            pieces = to_pieces(words, tokenizer)
            labels = np.where(pieces.first, gold_labels(article, words)[pieces.word], -100)
            soft = teacher.predict([words])[0][pieces.word] if teacher is not None else None
            out.append((pieces, labels, soft))
    return out


def epoch_windows(encoded: list[tuple], window: int, rng: random.Random) -> list[tuple]:
    """Cut each article into back-to-back windows from a random offset, shuffled.

    A fresh offset each epoch shows every word with new context at no extra cost.
    """
    out = []
    for pieces, labels, soft in encoded:
        n = len(pieces.ids)
        cuts = [0] + list(range(rng.randrange(window) if n > window else n, n, window)) + [n]
        for start, end in zip(cuts, cuts[1:]):
            if end > start:
                out.append((pieces, labels, soft, start, end))
    rng.shuffle(out)
    return out


def distillation_loss(logits: torch.Tensor, chunk: list[tuple], trained: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL divergence from the teacher's softened word distributions to the student's, on trained pieces.

    Scaled by the squared temperature so its gradients keep the size of the gold loss's.
    """
    teacher = torch.zeros(logits.shape, dtype=torch.float32)
    for row, (_, _, soft, s, e) in enumerate(chunk):
        teacher[row, 1 : 1 + e - s] = torch.from_numpy(soft[s:e])
    teacher = torch.log_softmax(teacher.to(logits.device)[trained] / temperature, dim=-1)
    student = torch.log_softmax(logits[trained].float() / temperature, dim=-1)
    divergence = torch.nn.functional.kl_div(student, teacher, log_target=True, reduction="batchmean")
    return divergence * temperature**2


def run_scores(tagger: Tagger, articles: list[Article]) -> dict:
    """Score decoded runs against gold runs per role (exact match): a quick dev check."""
    from quotegraph.extract.runs import decode_runs
    from quotegraph.nlp.tagger import viterbi

    words = [tokenize(a.text) for a in articles]
    counts = {role: [0, 0, 0] for role in ("source", "cue", "content")}
    for article, w, logp in zip(articles, words, tagger.predict(words)):
        gold = {(r.role, r.first, r.last) for r in decode_runs(gold_labels(article, w))}
        pred = {(r.role, r.first, r.last) for r in decode_runs(viterbi(logp))}
        for role, c in counts.items():
            g = {x for x in gold if x[0] == role}
            p = {x for x in pred if x[0] == role}
            c[0] += len(g & p)
            c[1] += len(p)
            c[2] += len(g)
    scores = {f"{role}_run_f1": round(2 * tp / max(1, np_ + ng), 4) for role, (tp, np_, ng) in counts.items()}
    scores["mean_exact_f1"] = round(sum(scores.values()) / 3, 4)
    return scores


def train(data: str | Path, dev: str | Path | None, out: str | Path, settings: TrainSettings, *, score_dev=run_scores) -> dict:
    """Train on the split at ``data``, score on ``dev`` after each epoch, save the best to ``out``.

    ``score_dev(tagger, articles) -> dict`` is called with the in-training model; its
    ``"mean_exact_f1"`` picks the epoch that is saved.
    """
    from safetensors.torch import save_file

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)

    device = settings.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    net, tokenizer = load_base(trainable=True, encoder=settings.encoder)
    net.to(device)
    train_articles = read_split(data)
    dev_articles = read_split(dev) if dev else []
    teacher = None
    if settings.teacher:
        teacher = Tagger.load(settings.teacher)
        teacher.net.to(device)
        log.info("the teacher at %s labels the training words", settings.teacher)
    encoded = encode(train_articles, tokenizer, teacher)
    del teacher
    pieces_total = sum(len(p.ids) for p, _, _ in encoded)
    log.info("%d word pieces in %d training articles", pieces_total, len(encoded))

    params = [p for n, p in net.named_parameters() if p.requires_grad]
    no_decay = {n for n, p in net.named_parameters() if p.requires_grad and (p.ndim == 1 or "LayerNorm" in n)}
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for n, p in net.named_parameters() if p.requires_grad and n not in no_decay], "weight_decay": settings.weight_decay},
            {"params": [p for n, p in net.named_parameters() if p.requires_grad and n in no_decay], "weight_decay": 0.0},
        ],
        lr=settings.learning_rate,
    )
    steps_per_epoch = (pieces_total // settings.window + len(encoded)) // settings.batch_size + 1
    total = steps_per_epoch * settings.epochs
    warmup = max(1, int(total * settings.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    encoder = ENCODERS[settings.encoder]
    cls_id, sep_id = tokenizer.token_to_id(encoder.cls_token), tokenizer.token_to_id(encoder.sep_token)
    meta = {
        "labels": list(LABELS),
        "encoder": settings.encoder,
        "window": settings.window,
        "stride": settings.window - 64,
        "settings": asdict(settings),
    }
    rng = random.Random(settings.seed)
    best, history = None, []
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    for epoch in range(1, settings.epochs + 1):
        net.train()
        batches = epoch_windows(encoded, settings.window, rng)
        bar = tqdm(range(0, len(batches), settings.batch_size), desc=f"epoch {epoch}/{settings.epochs}", unit="batch")
        running = 0.0
        for i, b in enumerate(bar):
            chunk = batches[b : b + settings.batch_size]
            inputs = window_batch([(p, s, e) for p, _, _, s, e in chunk], cls_id, sep_id)
            target = torch.full(inputs["input_ids"].shape, -100, dtype=torch.long)
            for row, (_, labels, _, s, e) in enumerate(chunk):
                target[row, 1 : 1 + e - s] = torch.from_numpy(labels[s:e])
            logits = net(**{name: tensor.to(device) for name, tensor in inputs.items()})
            target = target.to(device)
            loss = loss_fn(logits.reshape(-1, len(LABELS)), target.reshape(-1))
            if settings.teacher:
                loss = (1 - settings.distill) * loss + settings.distill * distillation_loss(
                    logits, chunk, target != -100, settings.temperature
                )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            running = 0.98 * running + 0.02 * loss.item() if i else loss.item()
            bar.set_postfix(loss=f"{running:.3f}")
        record = {"epoch": epoch, "minutes": round((time.time() - started) / 60, 1), "loss": round(running, 4)}
        if dev_articles and score_dev is not None:
            net.eval()
            record.update(score_dev(Tagger(net, tokenizer, meta), dev_articles))
        history.append(record)
        print(json.dumps(record), flush=True)
        if best is None or record.get("mean_exact_f1", epoch) >= best.get("mean_exact_f1", 0):
            best = record
            state = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in net.state_dict().items() if k not in FROZEN}
            save_file(state, str(out / MODEL_FILE))
            (out / META_FILE).write_text(json.dumps({**meta, "dev": record, "history": history}, indent=2) + "\n", encoding="utf-8")
    meta_saved = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    meta_saved["history"] = history
    (out / META_FILE).write_text(json.dumps(meta_saved, indent=2) + "\n", encoding="utf-8")
    if dev_articles:
        best["decode_bias"] = tune_decoding(out, dev_articles)
    return best


def tune_decoding(model_dir: str | Path, dev_articles: list[Article], steps=(-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0)) -> dict:
    """Pick per-role label biases that maximise mean exact span F1 on dev; save them in meta.json.

    Coordinate ascent, two rounds over source, cue and content; the tagger runs
    once and only the decoding is repeated.
    """
    from quotegraph.config import load_settings
    from quotegraph.evaluate import score
    from quotegraph.extract import extract
    from quotegraph.nlp.tagger import bias_vector

    tagger = Tagger.load(model_dir, quantize=load_settings()["tagger"]["quantize"])
    words = [tokenize(a.text) for a in dev_articles]
    logps = tagger.predict(words)

    def objective(bias: dict) -> float:
        vector = bias_vector(bias)
        predicted = [
            Article(id=a.id, text=a.text, attributions=extract(w, lp, vector)) for a, w, lp in zip(dev_articles, words, logps)
        ]
        scores = score(dev_articles, predicted)
        return sum(scores[role]["exact"]["f1"] for role in ("source", "cue", "content")) / 3

    bias = {"source": 0.0, "cue": 0.0, "content": 0.0}
    best = objective(bias)
    for _ in range(2):
        for role in bias:
            for step in steps:
                trial = {**bias, role: step}
                if trial != bias and (value := objective(trial)) > best:
                    best, bias = value, trial
    log.info("decoding biases %s give mean exact F1 %.4f on dev", bias, best)
    meta_path = Path(model_dir) / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["decode_bias"] = bias
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return bias


def average(models: list[str | Path], out: str | Path) -> dict:
    """Average the weights of taggers trained from the same encoder into one (a "model soup").

    Taggers fine-tuned from the same pretrained weights stay close enough that
    their mean is a tagger too, usually better than each of them, at the cost of one.
    The result lists its ingredients with their settings and dev scores, and has
    no decoding biases of its own: run `tune_decoding` on it to get them.

    Raises:
        ModelNotFound: a model is missing, or the models differ in encoder or weights.
    """
    from safetensors.torch import load_file, save_file

    if len(models) < 2:
        raise ModelNotFound("[Q207] averaging needs at least two taggers")
    metas, states = [], []
    for model in map(Path, models):
        metas.append(read_meta(model, "give folders made by `quotegraph train`"))
        states.append(load_file(model / MODEL_FILE))
    encoders = {meta.get("encoder", DEFAULT_ENCODER) for meta in metas}
    shapes = [{name: tuple(tensor.shape) for name, tensor in state.items()} for state in states]
    if len(encoders) > 1 or any(shape != shapes[0] for shape in shapes):
        raise ModelNotFound("[Q208] these taggers cannot be averaged: they were built on different encoders")
    mean = {
        name: (sum(state[name].float() for state in states) / len(states)).to(torch.float16).contiguous()
        for name in states[0]
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save_file(mean, str(out / MODEL_FILE))
    meta = {key: value for key, value in metas[0].items() if key not in ("settings", "dev", "history", "decode_bias")}
    meta["averaged"] = [{"model": str(model), "settings": m.get("settings"), "dev": m.get("dev")} for model, m in zip(models, metas)]
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta
