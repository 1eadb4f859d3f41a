"""Natural-language understanding for propdesk: intents, entities, emergencies, FAQ answers.

The names below are loaded on first use (PEP 562): the model, its rules and the
FAQ index take a while to import, and code that only needs `nlu.types` (every
handler) or a command that never parses (`propdesk --help`, `propdesk import`)
should not pay for them.
"""

from importlib import import_module

_WHERE = {
    "CONFIDENCE_THRESHOLD": "nlu.types",
    "Nlu": "nlu.core",
    "normalise_unit": "nlu.entities",
    "FaqBase": "nlu.faq",
    "FaqEntry": "nlu.faq",
    "detect_language": "nlu.text",
    "Entity": "nlu.types",
    "Parse": "nlu.types",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'nlu' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
