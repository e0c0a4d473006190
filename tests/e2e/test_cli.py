"""The ``quotegraph`` command, run as a real subprocess.

Most tests check the structure of the output and its offsets; what the model
finds is checked on the bundled sample and, against gold, in test_model_quality.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "quotegraph" / "samples"
SAMPLE = SAMPLES / "harbor-bridge-vote.txt"
SHIPPED = REPO / "quotegraph" / "models" / "attribution_tagger.v2"

SPLIT_TEXT = "“The plan is dead,” Mayor Ann Lee said on Monday.\n\nOfficials said the vote would be delayed.\n"
SPLIT_SPANS = {  # label: (start, end) in SPLIT_TEXT
    "T1": ("Content", 0, 19),
    "T2": ("Cue", 34, 38),
    "T3": ("Source", 20, 33),
    "T4": ("Content", 66, 91),
    "T5": ("Cue", 61, 65),
    "T6": ("Source", 51, 60),
}


def quotegraph(*args, cwd, stdin=None):
    """Run ``python -m quotegraph ARGS`` in ``cwd`` and return the completed process."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "quotegraph", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=600,
    )


def text_of(process):
    return process.stdout.decode("utf-8"), process.stderr.decode("utf-8")


def make_split(root: Path) -> Path:
    """Write a one-article PolNeAR-style split with two attributions; return its folder."""
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "council.txt").write_text(SPLIT_TEXT, encoding="utf-8")
    lines = [f"{tid}\t{label} {start} {end}\t{SPLIT_TEXT[start:end]}" for tid, (label, start, end) in SPLIT_SPANS.items()]
    lines += ["E1\tAttribution:T2 Source:T3 Cue:T2 Content:T1", "E2\tAttribution:T5 Source:T6 Cue:T5 Content:T4"]
    (root / "attributions" / "council_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def gold_prediction(article_id: str) -> dict:
    """Return the article JSON whose attributions are exactly the split's gold ones."""
    def span(tid):
        _, start, end = SPLIT_SPANS[tid]
        return {"start": start, "end": end, "text": SPLIT_TEXT[start:end]}

    attributions = [
        {"id": f"a{n}", "source": span(s), "cue": span(c), "content": span(t), "kind": "indirect", "confidence": 1.0}
        for n, (t, c, s) in enumerate([("T1", "T2", "T3"), ("T4", "T5", "T6")], 1)
    ]
    return {"id": article_id, "date": None, "attributions": attributions, "schema_version": "1.0"}


def test_extract_prints_a_table_for_a_text_file(tmp_path):
    process = quotegraph("extract", SAMPLE, cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 0, stderr
    assert stdout.startswith("harbor-bridge-vote (")
    assert "attribution" in stdout.splitlines()[0]
    rows = [[cell.strip() for cell in line.split("|")] for line in stdout.splitlines()[2:] if "|" in line]
    who_act_cue = [[row[0], row[1], row[3]] for row in rows]
    # "Mayor Luis Granger said …", and "He added …" resolved to him; "Ortiz believes …" to her full name.
    assert ["Luis Granger", "statement", "said"] in who_act_cue
    assert ["Luis Granger", "statement", "added"] in who_act_cue
    assert ["Dana Ortiz", "belief", "believes"] in who_act_cue
    assert ["City officials (anonymous)", "statement", "said"] in who_act_cue


def test_extract_folder_to_out_writes_json_whose_offsets_match_the_input(tmp_path, check_article):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in SAMPLES.glob("*.txt"):
        (inputs / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    process = quotegraph("extract", inputs, "--out", out, "--date", "2016-10-31", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    assert process.stdout == b""
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted(f"{path.stem}.json" for path in SAMPLES.glob("*.txt"))
    for path in inputs.glob("*.txt"):
        data = json.loads((out / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert (data["id"], data["date"]) == (path.stem, "2016-10-31")
        with open(path, encoding="utf-8", newline="") as handle:
            check_article(data, handle.read())


def test_extract_jsonl_with_a_malformed_line_goes_on_and_exits_1(tmp_path, check_article):
    feed = tmp_path / "feed.jsonl"
    good = [json.loads(line) for line in (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = [json.dumps(good[0]), '{"id": "cut-off", "text": "He sa', json.dumps(good[1])]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    process = quotegraph("extract", feed, "--out", out, cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 1
    assert f"{feed}:2" in stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(f"{item['id']}.json" for item in good[:2])
    for item in good[:2]:
        data = json.loads((out / f"{item['id']}.json").read_text(encoding="utf-8"))
        assert (data["title"], data["date"]) == (item["title"], item["date"])
        check_article(data, item["text"])


def test_extract_jsonl_prints_one_json_array(tmp_path, check_article):
    process = quotegraph("extract", SAMPLES / "articles.jsonl", "--format", "json", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    articles = json.loads(process.stdout)
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in (SAMPLES / "articles.jsonl").open(encoding="utf-8")}
    assert [article["id"] for article in articles] == list(texts)
    for article in articles:
        check_article(article, texts[article["id"]])


def test_extract_stdin_prints_json_lines(tmp_path, check_article):
    text = "“We will not back down,” said Jane Roe, the union’s president. “Not now.”\n"
    process = quotegraph("extract", "-", "--format", "jsonl", "--date", "2016-10-31", cwd=tmp_path, stdin=text.encode())
    assert process.returncode == 0, process.stderr
    [line] = process.stdout.decode("utf-8").splitlines()
    data = json.loads(line)
    assert (data["id"], data["date"]) == ("stdin", "2016-10-31")
    check_article(data, text)


def test_extract_invalid_utf8_warns_and_is_processed(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("The café owner said rents had doubled.".encode("latin-1"))
    process = quotegraph("extract", path, "--format", "jsonl", cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 0, stderr
    assert "latin1.txt" in stderr and "invalid UTF-8" in stderr
    assert json.loads(stdout)["id"] == "latin1"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("empty.txt", b"", "no text"), ("blank.txt", b" \n\t\n", "no text"), ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")],
)
def test_extract_of_only_unreadable_input_exits_2(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    process = quotegraph("extract", path, cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 2
    assert name in stderr and reason in stderr
    assert stdout == ""


def test_extract_with_an_empty_file_among_good_ones_exits_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    process = quotegraph("extract", SAMPLE, empty, "--format", "jsonl", cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 1
    assert "empty.txt" in stderr
    assert [json.loads(line)["id"] for line in stdout.splitlines()] == ["harbor-bridge-vote"]


def test_extract_bad_date_is_refused(tmp_path):
    process = quotegraph("extract", SAMPLE, "--date", "31/10/2016", cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 1
    assert "[Q401]" in stderr and "31/10/2016" in stderr and "YYYY-MM-DD" in stderr
    assert "Traceback" not in stderr and stdout == ""


def test_extract_missing_path_is_refused(tmp_path):
    process = quotegraph("extract", tmp_path / "nowhere.txt", cwd=tmp_path)
    stdout, stderr = text_of(process)
    assert process.returncode == 1
    assert "[Q410]" in stderr and "nowhere.txt" in stderr
    assert "Traceback" not in stderr


def test_extract_unknown_setting_is_refused(tmp_path):
    process = quotegraph("extract", SAMPLE, "--set", "tagger.colour=blue", cwd=tmp_path)
    assert process.returncode == 1
    assert "[Q303]" in process.stderr.decode("utf-8")


@pytest.mark.slow
def test_extract_five_megabyte_article(tmp_path, check_article):
    paragraph = SAMPLE.read_text(encoding="utf-8").split("\n\n", 1)[1]
    text = "\n\n".join([paragraph] * (5_000_000 // len(paragraph) + 1))
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    process = quotegraph("extract", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    check_article(json.loads((tmp_path / "out" / "huge.json").read_text(encoding="utf-8")), text)


def test_evaluate_predictions_against_a_tiny_split(tmp_path):
    gold = make_split(tmp_path / "gold")
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "council.json").write_text(json.dumps(gold_prediction("council")), encoding="utf-8")
    process = quotegraph("evaluate", "--gold", gold, "--pred", pred, "--format", "json", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    scores = json.loads(process.stdout)
    assert scores["articles"] == 1
    assert scores["content"]["exact"]["f1"] == scores["relation_with_source"]["f1"] == 1.0

    table = quotegraph("evaluate", "--gold", gold, "--pred", pred, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "content" in table.stdout.decode("utf-8")


def test_evaluate_extracts_the_gold_texts_without_pred(tmp_path):
    process = quotegraph("evaluate", "--gold", make_split(tmp_path / "gold"), "--format", "json", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    scores = json.loads(process.stdout)
    assert (scores["articles"], scores["missing_predictions"], scores["source"]["exact"]["gold"]) == (1, 0, 2)


def test_evaluate_missing_gold_is_refused(tmp_path):
    process = quotegraph("evaluate", "--gold", tmp_path / "nowhere", "--pred", tmp_path, cwd=tmp_path)
    assert process.returncode == 1
    assert "[Q101]" in process.stderr.decode("utf-8")


def test_bench_times_quotegraph_and_spacy_on_the_same_text(tmp_path):
    process = quotegraph("bench", SAMPLE, "--jobs", 1, "--format", "json", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)
    assert (result["articles"], result["words"]) == (1, len(SAMPLE.read_text(encoding="utf-8").split()))
    for tool in ("quotegraph", "spacy"):
        assert result[tool]["load_s"] > 0
        assert result[tool]["single"]["words_per_s"] > 0 and result[tool]["parallel"]["words_per_s"] > 0
    assert result["quotegraph"]["peak_memory_mb"]["self"] > 0
    assert result["ratio"]["single"] == pytest.approx(
        result["quotegraph"]["single"]["words_per_s"] / result["spacy"]["single"]["words_per_s"], abs=0.002
    )


@pytest.mark.slow
def test_train_one_epoch_on_a_tiny_split(tmp_path):
    split = make_split(tmp_path / "split")
    out = tmp_path / "model"
    process = quotegraph(
        "train", "--data", split, "--dev", split, "--out", out, "--epochs", 1, "--batch-size", 2, cwd=tmp_path
    )
    assert process.returncode == 0, process.stderr
    best = json.loads(process.stdout.decode("utf-8").splitlines()[-1])
    assert best["epoch"] == 1 and "mean_exact_f1" in best
    assert (out / "model.safetensors").is_file() and (out / "meta.json").is_file()


@pytest.mark.slow
def test_train_a_student_of_the_shipped_tagger(tmp_path):
    split = make_split(tmp_path / "split")
    out = tmp_path / "student"
    process = quotegraph(
        "train", "--data", split, "--dev", split, "--out", out, "--epochs", 1, "--batch-size", 2,
        "--teacher", SHIPPED, "--distill", 0.7, "--temperature", 3, cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["settings"]["teacher"] == str(SHIPPED) and meta["settings"]["distill"] == 0.7
    assert meta["encoder"] == "all-minilm-l6-v2" and (out / "model.safetensors").is_file()


def test_average_two_copies_of_the_shipped_tagger_gives_it_back(tmp_path):
    from safetensors.torch import load_file

    split = make_split(tmp_path / "split")
    process = quotegraph("average", SHIPPED, SHIPPED, "--out", tmp_path / "soup", "--dev", split, cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    meta = json.loads(process.stdout)
    assert len(meta["averaged"]) == 2 and set(meta["decode_bias"]) == {"source", "cue", "content"}
    shipped, soup = load_file(SHIPPED / "model.safetensors"), load_file(tmp_path / "soup" / "model.safetensors")
    assert shipped.keys() == soup.keys() and all((shipped[k] == soup[k]).all() for k in shipped)


def test_average_refuses_a_folder_without_a_tagger(tmp_path):
    process = quotegraph("average", SHIPPED, tmp_path, "--out", tmp_path / "soup", cwd=tmp_path)
    assert process.returncode == 1
    assert "[Q203]" in process.stderr.decode("utf-8")
