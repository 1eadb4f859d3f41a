"""The plain result of understanding one message.

Everything above nlu/ sees only these types, never a model object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Below this confidence the desk does not guess and asks the owner to choose.
# On the dev set (tests/nlu/data/dev.yml) 98% of the messages at or above
# 0.50 are labelled correctly and about 5% fall below it. (Cross-validation over
# the hand-written training examples, `python -m nlu.calibrate`, is harsher:
# each held-out fold loses unique phrasings, so it asks for a higher value.)
# Here, not in nlu.core, so that the handlers read it without loading the rules.
CONFIDENCE_THRESHOLD = 0.50

INTENTS: tuple[str, ...] = (
    "greet",
    "thanks",
    "repair",
    "complaint",
    "faq",
    "bill_query",
    "ticket_status",
    "emergency",
    "human",
    "cancel",
    "out_of_scope",
)

REPAIR_CATEGORIES: tuple[str, ...] = (
    "plumbing",
    "electrical",
    "elevator",
    "door_access",
    "heating",
    "gas",
    "structure",
    "public_area",
    "other",
)

# The `emergency_kind` entity on every emergency parse: the hazard, so the desk
# can give the right advice and numbers.
EMERGENCY_KINDS: tuple[str, ...] = (
    "gas",  # gas leak or smell, carbon monoxide
    "fire",  # fire, smoke, burning
    "water_electric",  # sparks, electric shock, water meeting electricity
    "flood",  # burst pipe, flooding
    "trapped",  # people shut in a lift or room
    "injury",  # injury and medical
    "violence",  # violence and intruders
    "child_elderly",  # children or elderly people at risk
    "structure",  # falling or collapsing structure
)


@dataclass(frozen=True)
class Entity:
    """One extracted value: `unit` (`3-2-502`), `repair_category`, `phone` (E.164) or
    `emergency_kind` (one of `EMERGENCY_KINDS`)."""

    entity: str
    value: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Parse:
    """What one message means.

    `language` is the language the owner wrote in (`zh` or `en`; mixed text
    counts as `zh` when it has any Chinese). `ranking` holds the model's top
    intents with their probabilities, best first. `faq_id` is set only for the
    `faq` intent and is None when the knowledge base has no answer.
    `rule` names the rule that decided the intent (e.g. `emergency`), if any.
    `faq_alternatives` holds the top 2-3 entry ids when the best FAQ entry is a
    close call (the desk offers them instead of guessing), else ().
    """

    text: str
    intent: str
    confidence: float
    language: str = "zh"
    entities: tuple[Entity, ...] = ()
    faq_id: str | None = None
    faq_score: float = 0.0
    faq_alternatives: tuple[str, ...] = ()
    ranking: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    rule: str | None = None

    def entity(self, name: str) -> str | None:
        """The first value of entity `name`, or None."""
        return next((e.value for e in self.entities if e.entity == name), None)

    def as_json(self) -> dict:
        """The contract's `propdesk nlu parse` line."""
        out: dict = {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [{"entity": e.entity, "value": e.value} for e in self.entities],
        }
        if self.intent == "faq":
            out["faq_id"] = self.faq_id
        return out
