"""Natural-language understanding for propdesk: intents, entities, emergencies, FAQ answers."""

from nlu.core import CONFIDENCE_THRESHOLD, Nlu
from nlu.entities import normalise_unit
from nlu.faq import FaqBase, FaqEntry
from nlu.text import detect_language
from nlu.types import Entity, Parse

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "Entity",
    "FaqBase",
    "FaqEntry",
    "Nlu",
    "Parse",
    "detect_language",
    "normalise_unit",
]
