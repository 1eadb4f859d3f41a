"""NLU fixtures: the model is fitted once per session and saved into a temp directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu import FaqBase, Nlu, classifier, rasa_yaml
from nlu.core import DEFAULT_TRAINING_FILE, save_model

DATA = Path(__file__).parent / "data"
REFERENCE_FAQ = Path(__file__).resolve().parents[1] / "data" / "faq.yml"


@pytest.fixture(scope="session")
def fitted() -> classifier.Fitted:
    """scikit-learn's pipeline fitted on the bundled training data."""
    return classifier.fit(rasa_yaml.load(DEFAULT_TRAINING_FILE))


@pytest.fixture(scope="session")
def nlu_model_file(tmp_path_factory, fitted) -> Path:
    """`fitted` exported and saved as the desk saves a trained model."""
    path = tmp_path_factory.mktemp("nlu-model") / "nlu.npz"
    save_model(classifier.export(fitted), path)
    return path


@pytest.fixture(scope="session")
def shared_faq() -> FaqBase:
    return FaqBase.load(REFERENCE_FAQ)


@pytest.fixture(scope="session")
def nlu(nlu_model_file, shared_faq) -> Nlu:
    return Nlu.load(model_path=nlu_model_file, faq=shared_faq)


@pytest.fixture(scope="session")
def test_examples() -> list[tuple[str, str]]:
    return rasa_yaml.load(DATA / "dev.yml").examples


@pytest.fixture(scope="session")
def faq_paraphrases() -> dict:
    return yaml.safe_load((DATA / "faq_paraphrases.yml").read_text(encoding="utf-8"))


@pytest.fixture
def small_training(tmp_path) -> Path:
    """A two-intent training file that fits in a fraction of a second."""
    training = tmp_path / "small.yml"
    lines = ['version: "3.1"', "nlu:"]
    for intent, words in {
        "greet": ["hi", "hello", "你好", "在吗", "hey there", "good morning"],
        "repair": ["漏水了", "电梯坏了", "toilet blocked", "no power", "灯不亮", "门锁坏了"],
    }.items():
        lines += [f"- intent: {intent}", "  examples: |", *[f"    - {w}" for w in words]]
    training.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return training
