"""NLU fixtures: the model is trained once per session into a temp directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu import FaqBase, Nlu, rasa_yaml

DATA = Path(__file__).parent / "data"
REFERENCE_FAQ = Path(__file__).resolve().parents[1] / "data" / "faq.yml"


@pytest.fixture(scope="session")
def nlu_model_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nlu-model") / "nlu.joblib"


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
