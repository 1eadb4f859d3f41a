"""`Nlu`: the classifier, the emergency rules, entities and FAQ retrieval together."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from nlu import emergency, rasa_yaml
from nlu.entities import extract
from nlu.faq import FaqBase, FaqIndex
from nlu.rasa_yaml import NluData
from nlu.text import detect_language, fold
from nlu.types import INTENTS, Entity, Parse

if TYPE_CHECKING:
    from nlu.classifier import IntentModel
    from nlu.embeddings import IntentFusion

log = logging.getLogger(__name__)

DEFAULT_TRAINING_FILE = Path(__file__).parent / "data" / "nlu.yml"

# The model alone makes a message an emergency at or above this probability
# (unless the rule layer saw the hazard negated or referred to as past).
EMERGENCY_MODEL_THRESHOLD = 0.6
EMERGENCY_MODEL_THRESHOLD_SUPPRESSED = 0.98
# With embeddings (nlu.embeddings), the e5 head's own emergency probability at or
# above this also raises one (with a hazard cue), never lowering the above. Chosen on
# the dev sets: on dev4 as it was first read (before its misses were studied) it
# catches one more emergency and no false alarm; today's dev sets keep emergency
# precision >= 0.98 (two near misses told as complaints become emergencies).
EMERGENCY_E5_THRESHOLD = 0.8

_CATEGORY_INTENTS = frozenset({"repair", "emergency", "complaint"})

# A question the knowledge base answers well is read as `faq` when the model,
# unsure (below FAQ_OVERRIDE_CONFIDENCE), took it for out_of_scope, a request for
# a person, or a bill question that names no account of the owner's. Chosen on
# the dev sets: it moves no dev message to a wrong intent.
FAQ_OVERRIDE_SCORE = 0.6
FAQ_OVERRIDE_CONFIDENCE = 0.7
# The readings that may yield: a question read as a complaint, a repair, a
# cancellation or small talk ("周末能装修不") as well (chosen on both dev sets:
# no dev message moves to a wrong intent).
_YIELDS_TO_FAQ = frozenset(
    {"out_of_scope", "human", "bill_query", "complaint", "repair", "cancel", "greet", "thanks"}
)
_QUESTION = re.compile(
    r"[?？]|吗|么|怎么|怎样|如何|多少|几点|哪|什么|能不能|可不可以|有没有|是否|请问|想问|想知道|"
    r"啥|(?<!不)咋|系咪|(?:能|可以|行|让|要|用|会|得)\S{0,14}不\s*$|"
    r"给我|告诉我|价格|收费|费用|标准|规定|流程|时间|"
    r"\b(?:what|how|when|where|which|who|is there|are there|can i|do i|do you|does|tell me|"
    r"price|prices|cost|costs|rules|hours|procedure)\b"
)
_OWN_ACCOUNT = re.compile(
    r"我家|我的|我们家|\bmy\b|\bi\b|\bour\b|\d+-\d+|\bflat\b|\bunit\b|房号|\d+室|\d+号楼|\d+栋"
)


def default_model_path(training_file: Path) -> Path:
    """Under ~/.cache/propdesk, named by the training data and the model file format
    (`nlu.classifier.FORMAT_VERSION`): a model of another format is never looked at."""
    from nlu.classifier import FORMAT_VERSION

    digest = hashlib.sha256(training_file.read_bytes() + b"format %d" % FORMAT_VERSION)
    return Path.home() / ".cache" / "propdesk" / f"nlu-{digest.hexdigest()[:12]}.npz"


def save_model(model: IntentModel, path: Path) -> None:
    """Write atomically (`IntentModel.save`): a temp file in the same directory, then
    os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            model.save(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_model(path: Path) -> IntentModel | None:
    """The model at `path`, or None (logged) when it cannot be read or is of another
    format, such as the joblib pickle earlier versions wrote: the caller retrains."""
    from nlu.classifier import IntentModel

    try:
        return IntentModel.read(path)
    except (OSError, ValueError) as exc:
        log.warning("cannot read NLU model %s (%s); retraining", path, exc)
        return None


def model_ready(model_path: Path | None = None, training_file: Path | None = None) -> bool:
    """True when `Nlu.load` would read a saved model instead of training one (seconds)."""
    training_file = Path(training_file) if training_file else DEFAULT_TRAINING_FILE
    path = Path(model_path) if model_path else default_model_path(training_file)
    if not (path.exists() and _read_model(path) is not None):
        return False
    from nlu import embeddings

    return not embeddings.wanted() or embeddings.head_ready(path)


def _fusion(model: IntentModel, path: Path, examples) -> IntentFusion | None:
    """The sentence-embedding head (nlu.embeddings) when it is wanted, else None."""
    from nlu import embeddings

    if not embeddings.wanted():
        return None
    return embeddings.fusion_for(path, model.labels, examples)


def with_extra(data: NluData, extra: list[tuple[str, str]]) -> int:
    """Add (text, intent) pairs to `data` in place: known intents, texts not yet in it.
    Returns how many were added."""
    seen = {" ".join(t.split()) for t, _ in data.examples}
    added = 0
    for text, intent in extra:
        key = " ".join(text.split())
        if intent in INTENTS and key and key not in seen:
            data.examples.append((key, intent))
            seen.add(key)
            added += 1
    return added


class Nlu:
    """Understands one owner message at a time; `parse` is pure and thread-safe."""

    def __init__(
        self,
        model: IntentModel,
        faq: FaqBase | None = None,
        *,
        model_path: Path | None = None,
        fusion: IntentFusion | None = None,
    ) -> None:
        self.model = model
        self.model_path = model_path
        self.faq = faq
        self.fusion = fusion
        self._faq_index = None
        if faq is not None and fusion is not None:
            from nlu.embeddings import SemanticFaqIndex

            self._faq_index = SemanticFaqIndex(faq, fusion.embedder)
        elif faq is not None:
            self._faq_index = FaqIndex(faq)
        self._em_idx = model.labels.index("emergency") if "emergency" in model.labels else None
        self.trained_now = False

    # -- construction -------------------------------------------------------
    @classmethod
    def load(
        cls,
        *,
        model_path: Path | None = None,
        faq: FaqBase | None = None,
        training_file: Path | None = None,
    ) -> Nlu:
        """Load the model at `model_path`, training (and saving it there) if it is missing."""
        training_file = Path(training_file) if training_file else DEFAULT_TRAINING_FILE
        path = Path(model_path) if model_path else default_model_path(training_file)
        model = _read_model(path) if path.exists() else None
        trained_now = False
        if model is None:
            from nlu.classifier import train

            model = train(rasa_yaml.load(training_file))
            save_model(model, path)
            trained_now = True
        fusion = _fusion(model, path, lambda: rasa_yaml.load(training_file).examples)
        nlu = cls(model, faq, model_path=path, fusion=fusion)
        nlu.trained_now = trained_now
        return nlu

    @classmethod
    def train(
        cls,
        training_file: Path | None = None,
        *,
        model_path: Path | None = None,
        extra: list[tuple[str, str]] | None = None,
    ) -> tuple[Nlu, float]:
        """Retrain from a Rasa YAML file plus `extra` (text, intent) pairs and save;
        returns (nlu, seconds taken). Extra pairs with an unknown intent, or whose
        text the file already has, are skipped; `model.meta["extra"]` counts the rest."""
        training_file = Path(training_file) if training_file else DEFAULT_TRAINING_FILE
        path = Path(model_path) if model_path else default_model_path(training_file)
        from nlu.classifier import train

        t0 = time.perf_counter()
        data = rasa_yaml.load(training_file)
        added = with_extra(data, extra or [])
        model = train(data)
        model.meta["extra"] = added
        save_model(model, path)
        nlu = cls(model, model_path=path, fusion=_fusion(model, path, lambda: data.examples))
        nlu.trained_now = True
        return nlu, time.perf_counter() - t0

    def with_faq(self, faq: FaqBase | None) -> Nlu:
        """The same model with another knowledge base."""
        return Nlu(self.model, faq, model_path=self.model_path, fusion=self.fusion)

    # -- understanding ------------------------------------------------------
    def faq_match(self, text: str) -> tuple[str | None, float]:
        """The best FAQ entry id for `text` (None below the threshold) and its score."""
        if self._faq_index is None:
            return None, 0.0
        return self._faq_index.match(text)

    @staticmethod
    def _may_be_faq(text: str, intent: str, confidence: float) -> bool:
        """Whether an unsure non-faq reading may yield to a strong FAQ match."""
        if confidence >= FAQ_OVERRIDE_CONFIDENCE or intent not in _YIELDS_TO_FAQ:
            return False
        t = fold(text)
        if intent == "bill_query" and _OWN_ACCOUNT.search(t):
            return False
        return bool(_QUESTION.search(t))

    def parse(self, text: str) -> Parse:
        text = text or ""
        lang = detect_language(text)
        if not text.strip():
            return Parse(text=text, intent="out_of_scope", confidence=0.0, language=lang)
        core = self.model.predict_proba(text)
        # With embeddings, the ranking is the combined one; emergencies the n-gram model
        # raises are kept as they are (p_em below), and the e5 head can only add one.
        probs, p_em_e5 = self.fusion.fuse(text, core) if self.fusion else (core, 0.0)
        order = probs.argsort()[::-1]
        labels = self.model.labels
        ranking = tuple((labels[i], float(probs[i])) for i in order[:3])
        intent, confidence = ranking[0]
        rule = None

        check = emergency.check(text)
        p_em = float(core[self._em_idx]) if self._em_idx is not None else 0.0
        if check.fired:
            intent, confidence, rule = "emergency", 1.0, "emergency"
        elif check.suppressed_by is not None:
            if (
                p_em >= EMERGENCY_MODEL_THRESHOLD_SUPPRESSED
                and check.suppressed_by != "not_urgent"
            ):
                intent, confidence = "emergency", p_em
            elif intent == "emergency" and check.suppressed_by == "hypothetical":
                # "What do I do if I smell gas": a question about a procedure (faq).
                intent = "faq"
            elif intent == "emergency":
                # The rules saw the hazard negated or referred to: take the next label.
                nxt = next(i for i in order if labels[i] != "emergency")
                intent, confidence = labels[nxt], float(probs[nxt])
        elif (
            p_em >= EMERGENCY_MODEL_THRESHOLD or p_em_e5 >= EMERGENCY_E5_THRESHOLD
        ) and emergency.has_hazard_cue(text):
            intent, confidence = "emergency", max(p_em, float(probs[self._em_idx]))
        elif intent == "emergency":
            # A weak model-only emergency with no hazard the rules recognise: next label.
            nxt = next(i for i in order if labels[i] != "emergency")
            intent, confidence = labels[nxt], float(probs[nxt])

        found = None
        if (
            rule is None
            and self._faq_index is not None
            and self._may_be_faq(text, intent, confidence)
        ):
            found = self._faq_index.lookup(text)
            if found.faq_id is not None and found.score >= FAQ_OVERRIDE_SCORE:
                intent, rule = "faq", "faq_match"
                confidence = max(confidence, float(probs[labels.index("faq")]))
        entities = extract(text, with_category=intent in _CATEGORY_INTENTS)
        if intent == "emergency":
            kind = check.hazard if check.fired else emergency.kind_of(text)
            entities = (*entities, Entity("emergency_kind", kind))
        faq_id, faq_score, alternatives = None, 0.0, ()
        if intent == "faq" and self._faq_index is not None:
            found = found or self._faq_index.lookup(text)
            faq_id, faq_score, alternatives = found.faq_id, found.score, found.alternatives
        return Parse(
            text=text,
            intent=intent,
            confidence=float(confidence),
            language=lang,
            entities=entities,
            faq_id=faq_id,
            faq_score=faq_score,
            faq_alternatives=alternatives,
            ranking=ranking,
            rule=rule,
        )
