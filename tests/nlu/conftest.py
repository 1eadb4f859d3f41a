"""NLU fixtures: the model is trained once per session into a temp directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu import FaqBase, Nlu, rasa_yaml

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
SHARED_FAQ_FILE = REPO.parent / "shared" / "data" / "faq.yml"


@pytest.fixture(scope="session")
def nlu_model_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nlu-model") / "nlu.joblib"


@pytest.fixture(scope="session")
def shared_faq() -> FaqBase:
    if not SHARED_FAQ_FILE.is_file():
        pytest.skip(f"reference FAQ base missing: {SHARED_FAQ_FILE}")
    return FaqBase.load(SHARED_FAQ_FILE)


@pytest.fixture(scope="session")
def nlu(nlu_model_file, shared_faq) -> Nlu:
    return Nlu.load(model_path=nlu_model_file, faq=shared_faq)


@pytest.fixture(scope="session")
def test_examples() -> list[tuple[str, str]]:
    return rasa_yaml.load(DATA / "test.yml").examples


@pytest.fixture(scope="session")
def faq_paraphrases() -> dict:
    return yaml.safe_load((DATA / "faq_paraphrases.yml").read_text(encoding="utf-8"))
