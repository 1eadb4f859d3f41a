"""A Rasa 3.x project that runs on the desk's actions (`propdesk rasa export DIR`).

`project_files()` returns every file as text by its path in the project; the
CLI writes them. Formats follow Rasa's documentation for 3.x: domain
(https://rasa.com/docs/rasa/domain), training data and rules
(https://rasa.com/docs/rasa/training-data-format), forms
(https://rasa.com/docs/rasa/forms), the Chinese pipeline
(https://rasa.com/docs/rasa/components).

`data/nlu.yml` is the desk's own training data with entities annotated and
regexes made usable by Rasa (`training_data`); `propdesk nlu train
DIR/data/nlu.yml` reads back the same examples and lookups. What only Rasa
needs (the `link_flat` intent, the `unit` and `phone` regexes) is in
`data/link_flat.yml`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from handlers.actions import ACTIONS, CODE_DIGITS, CODE_MINUTES, CODE_TRIES
from handlers.i18n import t
from nlu import rasa_yaml
from nlu.core import DEFAULT_TRAINING_FILE
from nlu.entities import category_entity, extract
from nlu.text import NUM_TOKEN
from nlu.types import INTENTS, REPAIR_CATEGORIES

RASA_VERSION = "3.1"
ACTION_ENDPOINT = "http://127.0.0.1:5055/webhook"
LINK_INTENT = "link_flat"
FORMS = {"repair": "repair_form", "complaint": "complaint_form"}
ENTITIES = ("unit", "repair_category", "phone", "faq_id")

# One action per intent; forms for reports. Greetings and the like are plain responses.
INTENT_ACTIONS = {
    "emergency": "action_emergency",
    "faq": "action_answer_faq",
    "bill_query": "action_bill_status",
    "ticket_status": "action_ticket_status",
    "human": "action_handoff",
    LINK_INTENT: "action_bind_phone",
    "greet": "utter_greet",
    "thanks": "utter_thanks",
    "cancel": "utter_cancel",
    "out_of_scope": "utter_out_of_scope",
}
# Messages that are never a form's answer: they interrupt it (rules below).
NOT_AN_ANSWER = ("emergency", "cancel", "human", LINK_INTENT)
# Rasa's own default actions used in rules (rasa.com/docs/rasa/default-actions).
RASA_DEFAULT_ACTIONS = ("action_deactivate_loop",)
SUBMIT = {"repair_form": "action_open_repair_ticket", "complaint_form": "action_take_complaint"}

# The desk's own words (handlers/), in both languages, for Rasa's plain responses.
RESPONSES = {
    "utter_greet": "Hello! Tell me what you need: a repair, a complaint, your bills, "
    "your tickets, or a question about the compound.",
    "utter_thanks": "You're welcome! I'm here whenever you need me.",
    "utter_cancel": "OK. Anything else I can do?",
    "utter_out_of_scope": "I can only help with matters of the compound: repairs, "
    "complaints, bills, questions about the service centre. What can I do for you?",
    "utter_ask_unit": "Which flat is it about?",
    "utter_ask_description": "Please describe the problem in a sentence (what and where).",
    "utter_ask_phone": "Please tell me the phone number in the owner register.",
}

NUMBER_PATTERN = rf"(?:{NUM_TOKEN.strip()}|\d+)"  # the desk's token, or digits (Rasa)
UNIT_REGEXES = (r"\d{1,3}-\d{1,2}-\d{3,4}", r"\d{1,3}[栋幢号]楼?\d{1,2}单元\d{3,4}室?")
PHONE_REGEXES = (r"(\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}",)
LINK_EXAMPLES = (
    "我的手机号是[13800138000](phone)",
    "手机号 [139 1234 5678](phone)",
    "绑定手机[+86 137 0000 1111](phone)",
    "我是业主 电话[13612345678](phone)",
    "my phone number is [+86 138 0013 8000](phone)",
    "link my flat, phone [13912345678](phone)",
    "验证码 123456",
    "验证码是 654321",
    "the code is 123456",
    "code 246810",
)


def _both(msgid: str) -> str:
    zh, en = t("zh", msgid), t("en", msgid)
    return zh if zh == en else f"{zh}\n{en}"


def _text_block(lines: list[str]) -> str:
    return "".join(f"    - {line}\n" for line in lines)


def training_data(path: Path | None = None) -> str:
    """The desk's training data (the bundled nlu/data/nlu.yml unless `path`) made ready
    for Rasa: the same examples and lookups, entities annotated by the desk's own
    extractor (`unit`, `phone`, `repair_category`, so Rasa's extractors learn them),
    and regexes with the desk's number token translated (`rasa_regex`).
    `propdesk nlu train` reads the examples and lookups back unchanged.

    Raises ValueError if it is not Rasa NLU YAML, OSError if it cannot be read.
    """
    data = rasa_yaml.load(path or DEFAULT_TRAINING_FILE)
    return rasa_yaml.dumps(
        rasa_yaml.NluData(
            examples=[(annotate(text), intent) for text, intent in data.examples],
            lookups=data.lookups,
            regexes={name: [rasa_regex(p) for p in items] for name, items in data.regexes.items()},
        )
    )


def rasa_regex(pattern: str) -> str:
    """A desk regex Rasa can use: the desk matches its regexes after swapping every number
    for NUM_TOKEN (nlu/text.py); Rasa does not, so the token also matches digits."""
    return pattern.replace(NUM_TOKEN.strip(), NUMBER_PATTERN)


def annotate(text: str) -> str:
    """`text` with the desk's entities marked up as Rasa training examples are
    (`[3栋2单元502室](unit)`, `[漏水]{"entity": "repair_category", "value": "plumbing"}`)."""
    if "[" in text or "]" in text:
        return text  # would not read back as one example
    found = [e for e in extract(text, with_category=False) if e.entity in ("unit", "phone")]
    category = category_entity(text)
    if category is not None:
        found.append(category)
    marked, taken = text, []
    for ent in sorted(found, key=lambda e: -(e.start or 0)):  # right to left: offsets hold
        start, end = ent.start or 0, ent.end or 0
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if ent.entity == "repair_category":
            tag = json.dumps({"entity": ent.entity, "value": ent.value}, ensure_ascii=False)
        else:
            tag = f"({ent.entity})"
        marked = f"{marked[:start]}[{marked[start:end]}]{tag}{marked[end:]}"
    return marked


def domain() -> dict[str, Any]:
    """domain.yml: intents, entities, slots with mappings, forms, responses, actions.

    A form's free-text answers never come from a message that means something else
    (NOT_AN_ANSWER: an emergency, cancel, a person, a phone number)."""
    in_form = [{"active_loop": form, "requested_slot": "description"} for form in FORMS.values()]
    return {
        "version": RASA_VERSION,
        "intents": [*INTENTS, LINK_INTENT],
        "entities": list(ENTITIES),
        "slots": {
            "unit": {
                "type": "text",
                "influence_conversation": False,
                "mappings": [
                    {"type": "from_entity", "entity": "unit"},
                    {
                        "type": "from_text",
                        "not_intent": list(NOT_AN_ANSWER),
                        "conditions": [{"active_loop": "repair_form", "requested_slot": "unit"}],
                    },
                ],
            },
            "description": {
                "type": "text",
                "influence_conversation": False,
                "mappings": [
                    # a repair's first message is taken by validate_repair_form
                    # (extract_description), so answering "which flat?" never overwrites it
                    {"type": "from_text", "intent": ["complaint"]},
                    {
                        "type": "from_text",
                        "not_intent": list(NOT_AN_ANSWER),
                        "conditions": in_form,
                    },
                ],
            },
            "repair_category": {
                "type": "categorical",
                "values": list(REPAIR_CATEGORIES),
                "influence_conversation": False,
                "mappings": [{"type": "from_entity", "entity": "repair_category"}],
            },
            "phone": {
                "type": "text",
                "influence_conversation": False,
                "mappings": [{"type": "from_entity", "entity": "phone"}],
            },
        },
        "forms": {
            "repair_form": {"required_slots": ["unit", "description"]},
            "complaint_form": {"required_slots": ["description"]},
        },
        "responses": {name: [{"text": _both(msgid)}] for name, msgid in RESPONSES.items()},
        "actions": list(ACTIONS),
        "session_config": {
            "session_expiration_time": 60,
            "carry_over_slots_to_new_session": True,
        },
    }


def rules() -> dict[str, Any]:
    """data/rules.yml: emergencies first (also inside a form), each intent to its action,
    and the repair and complaint forms (activate, then submit)."""
    out: list[dict[str, Any]] = [
        {"rule": "emergency", "steps": [{"intent": "emergency"}, {"action": "action_emergency"}]}
    ]
    for form in FORMS.values():
        out.append(
            {
                "rule": f"an emergency interrupts the {form}",
                "condition": [{"active_loop": form}],
                "steps": [
                    {"intent": "emergency"},
                    {"action": "action_emergency"},
                    {"action": form},
                    {"active_loop": form},
                ],
            }
        )
        out.append(
            {
                "rule": f"cancel ends the {form}",
                "condition": [{"active_loop": form}],
                "steps": [
                    {"intent": "cancel"},
                    {"action": "action_deactivate_loop"},
                    {"active_loop": None},
                    {"action": "utter_cancel"},
                ],
            }
        )
    for intent, action in INTENT_ACTIONS.items():
        if intent != "emergency":
            out.append({"rule": f"{intent}", "steps": [{"intent": intent}, {"action": action}]})
    for intent, form in FORMS.items():
        out.append(
            {
                "rule": f"start the {form}",
                "steps": [{"intent": intent}, {"action": form}, {"active_loop": form}],
            }
        )
        out.append(
            {
                "rule": f"submit the {form}",
                "condition": [{"active_loop": form}],
                "steps": [
                    {"action": form},
                    {"active_loop": None},
                    {"slot_was_set": [{"requested_slot": None}]},
                    {"action": SUBMIT[form]},
                ],
            }
        )
    out.append(
        {
            "rule": "ask with the desk's choices when unsure",
            "steps": [{"intent": "nlu_fallback"}, {"action": "action_default_fallback"}],
        }
    )
    return {"version": RASA_VERSION, "rules": out}


def config() -> dict[str, Any]:
    """config.yml: Jieba words and character n-grams (Chinese and English alike), DIET."""
    return {
        "recipe": "default.v1",
        "language": "zh",
        "assistant_id": "propdesk",
        "pipeline": [
            {"name": "JiebaTokenizer"},
            {"name": "RegexFeaturizer", "use_word_boundaries": False},
            {
                "name": "RegexEntityExtractor",
                "use_lookup_tables": False,
                "use_regexes": True,
                "use_word_boundaries": False,
            },
            {"name": "CountVectorsFeaturizer"},
            {
                "name": "CountVectorsFeaturizer",
                "analyzer": "char_wb",
                "min_ngram": 1,
                "max_ngram": 4,
            },
            # entities: `unit` and `repair_category` from the annotated examples;
            # `faq_id` is not an NLU entity: action_answer_faq finds it from the text
            {"name": "DIETClassifier", "epochs": 100, "entity_recognition": True},
            {"name": "EntitySynonymMapper"},
            {"name": "FallbackClassifier", "threshold": 0.5},
        ],
        "policies": [
            {"name": "MemoizationPolicy"},
            {
                "name": "RulePolicy",
                "core_fallback_threshold": 0.3,
                "core_fallback_action_name": "action_default_fallback",
                "enable_fallback_prediction": True,
            },
        ],
    }


def _yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)


def link_flat_nlu() -> str:
    """data/link_flat.yml: the Rasa-only intent and the entity regexes."""
    lines = [f'version: "{RASA_VERSION}"', "", "nlu:", f"- intent: {LINK_INTENT}"]
    lines.append("  examples: |")
    text = "\n".join(lines) + "\n" + _text_block(list(LINK_EXAMPLES))
    for name, patterns in (("unit", UNIT_REGEXES), ("phone", PHONE_REGEXES)):
        text += f"\n- regex: {name}\n  examples: |\n" + _text_block(list(patterns))
    return text


ENDPOINTS = f"""# Where Rasa calls the desk's actions (`propdesk actions`, port 5055 by default).
action_endpoint:
  url: "{ACTION_ENDPOINT}"
"""

CREDENTIALS = """# The front doors Rasa listens on.
rest:

# Rasa's Telegram connector does not handle shared contacts, button answers or
# photos; the desk's own Telegram adapter (`propdesk run`) is the recommended
# door for Telegram. Uncomment only if this assistant must own the bot itself.
# telegram:
#   access_token: "123456:ABC..."
#   verify: "your_bot_username"
#   webhook_url: "https://your.host/webhooks/telegram/webhook"
"""


def readme() -> str:
    actions = "\n".join(f"- `{name}` — {what}" for name, what in ACTIONS.items())
    token = NUM_TOKEN.strip()
    return f"""# propdesk as a Rasa assistant

This project was written by `propdesk rasa export`. It plugs the desk into a
Rasa 3.x assistant: Rasa understands the message and picks the action, the
desk does the work (tickets, staff cards, bills, FAQ, emergencies).

    propdesk actions --port 5055     # the desk's action server (pip install 'propdesk[rasa]')
    propdesk run                     # ALSO: reads staff buttons and commands, runs the scheduler
    rasa train && rasa run           # this project, in Rasa's own environment

**Run `propdesk run` as well**, with the same `PROPDESK_TELEGRAM_TOKEN` and
database. `propdesk actions` only answers Rasa: it posts cards, emergencies and
hand-offs to the staff group but never reads Telegram, so without `propdesk run`
staff buttons ("take", "resolved"), staff commands, chasing, 回访 and bill
reminders do nothing.

Checked with rasa-sdk 3.21.1 by tests that post the webhook JSON Rasa Open
Source 3.6 sends (not against a running Rasa). Rasa itself can be any 3.x
(3.6 included) in its own environment: it talks to the action server over
HTTP, whatever rasa-sdk version serves it.

## Which front door

Keep the desk's own Telegram adapter (`propdesk run`) for Telegram: Rasa's
Telegram connector does not handle shared contacts, button answers or photos.
Use this project when owners already reach your Rasa assistant through
another channel (web chat, REST, your own app). Staff keep working in their
Telegram group either way. The desk can answer a Rasa conversation only
inside an action, so what staff write from the group does not reach it: cards
of these tickets show the owner's full phone number and tell staff to call;
the owner is told they will be called. Someone not linked to a flat is asked
for a phone number, which reaches staff under the card.

## Actions

{actions}

Slots: `unit`, `description`, `repair_category`, `phone`.

## Linking a conversation to an owner

A Rasa channel carries no verified phone number, and a linked conversation
sees the owner's bills and tickets. So a phone number alone links nothing:
`action_bind_phone` checks the number is in the owner register, posts a
{CODE_DIGITS}-digit one-time code to the staff group, and staff read it to the
owner on the registered number. The owner types the code into the chat
(intent `{LINK_INTENT}`) to finish. The chat's answer is the same whether or not
the number is registered; one code per number is live at a time (it lasts
{CODE_MINUTES} minutes and allows {CODE_TRIES} wrong attempts in all), so staff
get at most {60 // CODE_MINUTES} code messages per number an hour. Until linked,
the conversation gets FAQ answers, emergencies and a person (`action_handoff`).
A repair or complaint started before linking ends its form with an
explanation; once linked, the repair form resumes with what was said.

To try it with the demo compound: `propdesk chat --demo` loads it into the
database (type `/quit`), then say "我的手机号是13800138001" (the demo owner
张伟) and type the code that appears in the staff group.

## A person (hand-off)

`action_handoff` opens a request in the staff group and returns
`ConversationPaused`, so Rasa stops answering (for someone not linked, only
once they have given a number staff can call). Rasa answers again after a
`resume` event, sent by whoever took the call (Rasa started with `--enable-api`):

    curl -X POST http://localhost:5005/conversations/SENDER/tracker/events \
      -H 'Content-Type: application/json' -d '{{"event": "resume"}}'

where SENDER is the name on the card after `rasa:`; or when the person sends
`/restart`. When the FAQ has no answer the reply offers the same path: the
"👤" button (`/human`) or writing "talk to a person" (intent `human`).

## Forms

`repair_form` asks for `unit` (checked against the owner's flats by
`validate_repair_form`) and `description`; `complaint_form` asks for
`description` only: a complaint that names none of the owner's flats is filed
without one (it is often about noise or service, not a flat), and the card
names the owner and the number to call. Messages meaning `emergency`,
`cancel`, `human` or `{LINK_INTENT}` are never taken as a form's answer; an
emergency interrupts a form, `cancel` ends it (`action_deactivate_loop`).

## Entities and regexes

`data/nlu.yml` holds the desk's own examples and lookups, with entities marked
by the desk's own extractor: `unit`, `phone` (also by the regexes in
`data/link_flat.yml`, through `RegexEntityExtractor`) and `repair_category`
(as `[漏水]{{"entity": "repair_category", "value": "plumbing"}}`, learnt by
DIET and mapped by `EntitySynonymMapper`). `faq_id` is not an NLU entity:
`action_answer_faq` finds the answer from the text (a `faq_id` set by your own
NLU is used if the FAQ base has it). The desk matches its regexes after
replacing every number by the token `{token}`; Rasa does not, so each `{token}`
is written as `{NUMBER_PATTERN}`, which matches both. `propdesk nlu train
data/nlu.yml` reads the same examples and lookups back.

## Merging into an existing assistant

`propdesk rasa export DIR` refuses a non-empty DIR (`--force` overwrites the
files it writes and leaves the others). To add the desk to an assistant you
already have, export to a new directory and copy across:
- `domain.yml`: add its intents, entities, slots, forms, responses and actions
  to yours (or keep it as a second domain file: `rasa train --domain domain/`
  merges every file in a directory);
- `data/*.yml`: copy the files (Rasa reads every file under `data/`); drop the
  rules for intents your assistant already handles its own way;
- `config.yml`: your pipeline must extract `unit`, `phone` and
  `repair_category` and keep `action_default_fallback` as the core fallback
  if you want the desk's choices when unsure;
- `endpoints.yml`: point `action_endpoint` at `propdesk actions`. One action
  server per assistant: if you already have one, run the desk's on another
  port and route its action names there (or call them from your own).

## Files

- `domain.yml`, `data/rules.yml`, `config.yml` (Jieba words plus character
  n-grams into DIET; FallbackClassifier to `action_default_fallback`)
- `data/nlu.yml`: the desk's training data, annotated (above)
- `data/link_flat.yml`: the Rasa-only `{LINK_INTENT}` intent and the `unit` and
  `phone` regexes
- `endpoints.yml` (action server at {ACTION_ENDPOINT}), `credentials.yml`
"""


def project_files(training_file: Path | None = None) -> dict[str, str]:
    """Every file of the project by its relative path, as text."""
    return {
        "domain.yml": _yaml(domain()),
        "config.yml": _yaml(config()),
        "data/nlu.yml": training_data(training_file),
        "data/link_flat.yml": link_flat_nlu(),
        "data/rules.yml": _yaml(rules()),
        "endpoints.yml": ENDPOINTS,
        "credentials.yml": CREDENTIALS,
        "README.md": readme(),
    }
