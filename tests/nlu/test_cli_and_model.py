"""`propdesk nlu parse|eval|train` through typer's CliRunner; model load/train/save."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from typer.testing import CliRunner

from bot.cli_nlu import nlu_app
from nlu import CONFIDENCE_THRESHOLD, Nlu, Parse, rasa_yaml
from nlu.core import default_model_path
from storage.db import make_engine, session_scope
from storage.models import LabelledExample

from .conftest import DATA, REFERENCE_FAQ

runner = CliRunner()


def test_parse_json_lines(nlu_model_file, nlu):
    stdin = "你好\n\n3栋2单元502 厨房有煤气味\n怎么交物业费\nhow much is a monthly parking space\n"
    result = runner.invoke(
        nlu_app,
        ["parse", "--faq", str(REFERENCE_FAQ), "--model", str(nlu_model_file)],
        input=stdin,
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 4
    assert lines[0] == {"text": "你好", "intent": "greet", "confidence": lines[0]["confidence"],
                        "entities": []}  # fmt: skip
    assert lines[1]["intent"] == "emergency"
    assert {"entity": "unit", "value": "3-2-502"} in lines[1]["entities"]
    assert "faq_id" not in lines[1]
    assert lines[2]["intent"] == "faq" and lines[2]["faq_id"] == "payment_channels"
    assert lines[3]["faq_id"] == "parking_monthly"
    assert "煤气味" in result.output  # ensure_ascii=False


def test_parse_uses_env_faq(nlu_model_file, nlu, monkeypatch):
    monkeypatch.setenv("PROPDESK_FAQ_PATH", str(REFERENCE_FAQ))
    result = runner.invoke(
        nlu_app, ["parse", "--model", str(nlu_model_file)], input="临时停车怎么收费\n"
    )
    assert json.loads(result.output)["faq_id"] == "parking_temporary"


def test_parse_bad_faq_exits_nonzero(tmp_path, nlu_model_file, nlu):
    bad = tmp_path / "faq.yml"
    bad.write_text("version: 1\n", encoding="utf-8")
    result = runner.invoke(
        nlu_app, ["parse", "--faq", str(bad), "--model", str(nlu_model_file)], input="hi\n"
    )
    assert result.exit_code == 2
    assert "entries" in result.output


def test_eval_text_and_json(nlu_model_file, nlu):
    args = ["eval", str(DATA / "dev.yml"), "--faq", str(REFERENCE_FAQ)]
    result = runner.invoke(nlu_app, [*args, "--model", str(nlu_model_file)])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "complaint" in result.output
    result = runner.invoke(nlu_app, [*args, "--model", str(nlu_model_file), "--json"])
    report = json.loads(result.output)
    assert report["accuracy"] >= 0.95
    assert set(report["per_intent"]) >= {"repair", "emergency", "faq"}


def test_train_command(tmp_path, small_training):
    training = small_training
    model = tmp_path / "out" / "m.npz"
    result = runner.invoke(nlu_app, ["train", str(training), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "greet" in result.output and "repair" in result.output and "trained in" in result.output
    assert model.is_file()
    assert not list(model.parent.glob("*.tmp"))


def test_missing_model_trains_then_second_load_reads_it(tmp_path, shared_faq):
    path = tmp_path / "deep" / "dir" / "nlu.npz"
    first = Nlu.load(model_path=path, faq=shared_faq)
    assert first.trained_now and path.is_file()
    second = Nlu.load(model_path=path, faq=shared_faq)
    assert not second.trained_now  # read from the file, not trained again (bench: ~0.3 s)
    text = "厨房水管漏水了"
    assert second.parse(text) == first.parse(text)


def test_default_model_path_depends_on_training_file(tmp_path):
    a = tmp_path / "a.yml"
    a.write_text("x", encoding="utf-8")
    b = tmp_path / "b.yml"
    b.write_text("y", encoding="utf-8")
    pa, pb = default_model_path(a), default_model_path(b)
    assert pa != pb
    assert pa.parent == Path.home() / ".cache" / "propdesk"
    assert pa.name.startswith("nlu-") and pa.suffix == ".npz" and len(pa.stem) == 16


def test_parse_contract(nlu):
    p = nlu.parse("3-2-502 my heater is cold, my number is 138 1234 5678")
    assert isinstance(p, Parse)
    assert p.intent == "repair" and p.language == "en"
    assert p.entity("unit") == "3-2-502"
    assert p.entity("phone") == "+8613812345678"
    assert p.entity("repair_category") == "heating"
    assert len(p.ranking) == 3 and p.ranking[0][1] >= p.ranking[1][1]
    assert p.faq_id is None and p.rule is None
    empty = nlu.parse("   ")
    assert empty.intent == "out_of_scope" and empty.confidence == 0.0
    assert 0 < CONFIDENCE_THRESHOLD < 1


def test_with_faq_and_faq_match(nlu, shared_faq):
    bare = nlu.with_faq(None)
    assert bare.faq_match("物业费怎么交") == (None, 0.0)
    again = bare.with_faq(shared_faq)
    assert again.faq_match("物业费怎么交")[0] == "payment_channels"
    assert again.model is nlu.model


def test_parse_is_thread_safe(nlu):
    texts = ["电梯坏了", "有煤气味", "怎么交物业费", "thanks", "转人工"] * 40
    expected = [nlu.parse(t) for t in texts]
    results: list[list[Parse]] = []

    def work():
        results.append([nlu.parse(t) for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_train_with_the_labelled_examples_the_desk_collected(
    tmp_path, database_url, small_training
):
    engine = make_engine(database_url)
    picked = "the thingy by the door beeps all night"
    with session_scope(engine) as session:
        for text, intent in [(picked, "repair"), (picked, "repair"), ("hmm", "no_such_intent")]:
            session.add(LabelledExample(text=text, intent=intent))
    engine.dispose()
    db = ["--database-url", database_url]
    out = tmp_path / "labelled.yml"
    result = runner.invoke(nlu_app, ["export-labelled", str(out), *db])
    assert result.exit_code == 0, result.output
    assert (picked, "repair") in rasa_yaml.load(out).examples
    model = tmp_path / "m.npz"
    args = ["train", str(small_training), "--model", str(model), "--with-labelled"]
    result = runner.invoke(nlu_app, [*args, *db])
    assert result.exit_code == 0, result.output
    assert "labelled examples added: 1 of 2" in result.output
    trained = Nlu.load(model_path=model)
    assert trained.model.meta["counts"]["repair"] == 7
