"""The saved model is plain data, parsed with numpy alone, and gives scikit-learn's numbers.

scikit-learn fits the model; the desk reads it back from a .npz file without
importing scikit-learn or scipy (start-up time and memory, issues 8 and 11).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from nlu import Nlu, rasa_yaml
from nlu.classifier import FORMAT_VERSION, IntentModel, export, fit

from .conftest import DATA, REFERENCE_FAQ

ROOT = Path(__file__).resolve().parents[2]


def _dev_messages() -> list[str]:
    """Every message of the dev intent sets and FAQ dev sets (never fitted on)."""
    files = [DATA / "dev.yml", *sorted(DATA.glob("dev[234]/intents.yml"))]
    texts = [t for f in files for t, _ in rasa_yaml.load(f).examples]
    for f in sorted(DATA.glob("dev[234]/faq.yml")):
        labelled = yaml.safe_load(f.read_text(encoding="utf-8"))
        texts += [p["text"] for p in labelled["paraphrases"]] + labelled.get("uncovered", [])
    return texts


def test_numpy_inference_gives_the_fitted_pipelines_probabilities(fitted, nlu_model_file):
    texts = _dev_messages()
    assert len(texts) >= 600
    loaded = IntentModel.read(nlu_model_file)
    prepared = [fitted.tagger.prepare(t) for t in texts]
    expected = fitted.clf.predict_proba(fitted.features.transform(prepared))
    ours = loaded.predict_proba_many(texts)
    assert loaded.labels == tuple(fitted.clf.classes_)
    np.testing.assert_array_equal(ours.argmax(axis=1), expected.argmax(axis=1))
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)


def test_a_two_intent_model_gives_the_fitted_pipelines_probabilities(small_training):
    fitted = fit(rasa_yaml.load(small_training))
    model = export(fitted)
    texts = ["hello there", "the lift is broken", "灯坏了", "在吗 你好", "no power in the flat"]
    expected = fitted.clf.predict_proba(
        fitted.features.transform([fitted.tagger.prepare(t) for t in texts])
    )
    np.testing.assert_allclose(model.predict_proba_many(texts), expected, rtol=0, atol=1e-6)


def test_the_file_holds_no_pickle(nlu_model_file):
    with np.load(nlu_model_file, allow_pickle=False) as z:
        assert {"header", "coef", "intercept", "sig_a", "sig_b"} <= set(z.files)
        assert all(z[name].dtype != object for name in z.files)


def test_loading_and_parsing_import_neither_scikit_learn_nor_scipy(nlu_model_file):
    code = (
        "import sys\n"
        "from nlu import FaqBase, Nlu\n"
        f"faq = FaqBase.load({str(REFERENCE_FAQ)!r})\n"
        f"nlu = Nlu.load(model_path={str(nlu_model_file)!r}, faq=faq)\n"
        "print(nlu.trained_now, nlu.parse('厨房有煤气味').intent,\n"
        "      nlu.parse('物业费怎么交').faq_id)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'joblib'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["False emergency payment_channels", "[]"]


def _joblib_era_file(path: Path) -> None:
    """What earlier versions saved: a (joblib) pickle of the whole model."""
    path.write_bytes(pickle.dumps({"format": 1, "model": "an IntentModel of scikit-learn 1.5"}))


def _other_format(path: Path, nlu_model_file: Path) -> None:
    with np.load(nlu_model_file) as z:
        arrays = dict(z)
    arrays["header"] = np.frombuffer(
        bytes(arrays["header"]).replace(
            f'"format": {FORMAT_VERSION}'.encode(), f'"format": {FORMAT_VERSION + 1}'.encode()
        ),
        dtype=np.uint8,
    )
    with path.open("wb") as fh:
        np.savez(fh, **arrays)


def _truncated(path: Path, nlu_model_file: Path) -> None:
    path.write_bytes(nlu_model_file.read_bytes()[:5000])


@pytest.mark.parametrize("stale", ["joblib", "other_format", "truncated", "empty"])
def test_a_stale_or_damaged_model_file_is_retrained_not_misread(
    stale, tmp_path, nlu_model_file, small_training, caplog
):
    path = tmp_path / "nlu.npz"
    if stale == "joblib":
        _joblib_era_file(path)
    elif stale == "other_format":
        _other_format(path, nlu_model_file)
    elif stale == "truncated":
        _truncated(path, nlu_model_file)
    else:
        path.write_bytes(b"")
    with pytest.raises(ValueError):
        IntentModel.read(path)
    nlu = Nlu.load(model_path=path, training_file=small_training)
    assert nlu.trained_now
    assert "retraining" in caplog.text
    assert zipfile.is_zipfile(path)
    assert IntentModel.read(path).labels == nlu.model.labels == ("greet", "repair")
    assert nlu.parse("电梯坏了").intent == "repair"
