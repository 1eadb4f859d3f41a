"""`propdesk rasa export DIR`: a Rasa 3.x project in the documented formats, whose
data/nlu.yml is the desk's own training data, read back unchanged. No rasa-sdk needed."""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from bot.demo_data import DEMO_OWNER_PHONE
from handlers.actions import ACTIONS, SLOTS
from nlu import rasa_yaml
from nlu.core import DEFAULT_TRAINING_FILE
from nlu.text import normalise_for_model
from nlu.types import INTENTS, REPAIR_CATEGORIES
from tests.conftest import REPO

# Keys and values as Rasa 3.x documents them (rasa.com/docs/rasa/domain, /training-data-format,
# /forms, /components, /policies).
DOMAIN_KEYS = {
    "version",
    "intents",
    "entities",
    "slots",
    "forms",
    "responses",
    "actions",
    "session_config",
}
SLOT_TYPES = {"text", "bool", "categorical", "float", "list", "any"}
MAPPING_TYPES = {"from_entity", "from_text", "from_intent", "from_trigger_intent", "custom"}
RULE_STEP_KEYS = {"intent", "action", "active_loop", "slot_was_set", "slot_was_not_set"}
RULE_KEYS = {"rule", "steps", "condition", "conversation_start", "wait_for_user_input"}
RASA_COMPONENTS = {
    "JiebaTokenizer",
    "WhitespaceTokenizer",
    "RegexFeaturizer",
    "RegexEntityExtractor",
    "CountVectorsFeaturizer",
    "LexicalSyntacticFeaturizer",
    "DIETClassifier",
    "FallbackClassifier",
    "EntitySynonymMapper",
    "ResponseSelector",
}
RASA_POLICIES = {"MemoizationPolicy", "RulePolicy", "TEDPolicy", "UnexpecTEDIntentPolicy"}
BUILT_IN_INTENTS = {"nlu_fallback"}
# Rasa's default actions (rasa.com/docs/rasa/default-actions): usable in rules undeclared.
RASA_DEFAULT_ACTIONS = {
    "action_listen",
    "action_restart",
    "action_session_start",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_two_stage_fallback",
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "action_back",
    "action_extract_slots",
}
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|(\{[^}]*\}))")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rasa") / "assistant"
    result = CliRunner().invoke(app, ["rasa", "export", str(out)])
    assert result.exit_code == 0, result.output
    return out


def load(project: Path, name: str) -> dict:
    return yaml.safe_load((project / name).read_text(encoding="utf-8"))


def test_the_domain_has_the_documented_keys_and_the_contracts_names(project):
    domain = load(project, "domain.yml")
    assert set(domain) <= DOMAIN_KEYS and str(domain["version"]).startswith("3.")
    assert set(domain["actions"]) == set(ACTIONS)
    assert set(SLOTS) <= set(domain["slots"])
    for name, slot in domain["slots"].items():
        assert slot["type"] in SLOT_TYPES, name
        assert {m["type"] for m in slot["mappings"]} <= MAPPING_TYPES, name
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_entity":
                assert mapping["entity"] in domain["entities"], name
    for form in domain["forms"].values():
        assert set(form["required_slots"]) <= set(domain["slots"])
    for name, variants in domain["responses"].items():
        assert name.startswith("utter_") and all(v["text"].strip() for v in variants)


def test_every_intent_in_the_data_is_in_the_domain(project):
    domain = load(project, "domain.yml")
    seen = set()
    for path in (project / "data").glob("*.yml"):
        doc = load(project, f"data/{path.name}")
        assert str(doc["version"]).startswith("3.")
        seen |= {item["intent"] for item in doc.get("nlu", []) if "intent" in item}
        for rule in doc.get("rules", []):
            assert set(rule) <= RULE_KEYS, rule
            for step in rule["steps"]:
                assert set(step) <= RULE_STEP_KEYS, step
                seen |= {step["intent"]} if "intent" in step else set()
    assert set(INTENTS) <= seen
    assert seen - BUILT_IN_INTENTS <= set(domain["intents"])


def test_every_action_in_the_rules_is_in_the_domain(project):
    domain = load(project, "domain.yml")
    known = set(domain["actions"]) | set(domain["responses"]) | set(domain["forms"])
    rules = load(project, "data/rules.yml")["rules"]
    used = {step["action"] for rule in rules for step in rule["steps"] if "action" in step}
    assert used <= known | RASA_DEFAULT_ACTIONS
    first = rules[0]["steps"]
    assert first == [{"intent": "emergency"}, {"action": "action_emergency"}]  # emergency first
    forms = {
        step["active_loop"] for rule in rules for step in rule["steps"] if "active_loop" in step
    }
    assert {"repair_form", "complaint_form"} <= forms


def test_config_endpoints_and_credentials(project):
    config = load(project, "config.yml")
    names = [c["name"] for c in config["pipeline"]]
    assert set(names) <= RASA_COMPONENTS and names[0] == "JiebaTokenizer"
    assert any(c.get("analyzer") == "char_wb" for c in config["pipeline"])
    assert {p["name"] for p in config["policies"]} <= RASA_POLICIES
    assert load(project, "endpoints.yml") == {
        "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"}
    }
    credentials = (project / "credentials.yml").read_text(encoding="utf-8")
    assert "rest" in yaml.safe_load(credentials)
    assert "telegram" not in yaml.safe_load(credentials)  # commented out
    assert "# telegram:" in credentials
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in ACTIONS) and "one-time code" in readme


def test_the_exported_training_data_reads_back_unchanged(project, tmp_path):
    exported = rasa_yaml.load(project / "data" / "nlu.yml")
    bundled = rasa_yaml.load(DEFAULT_TRAINING_FILE)
    assert Counter(exported.examples) == Counter(bundled.examples)  # annotations aside
    assert exported.lookups == bundled.lookups
    assert exported.regexes.keys() == bundled.regexes.keys()
    result = CliRunner().invoke(
        app,
        ["nlu", "train", str(project / "data" / "nlu.yml"), "--model", str(tmp_path / "m.npz")],
    )
    assert result.exit_code == 0, result.output
    total = next(line for line in result.output.splitlines() if line.startswith("total"))
    assert int(total.split()[1]) == len(bundled.examples)


def test_exported_regexes_match_digits_as_rasa_sees_them_and_the_desks_token(project):
    exported = rasa_yaml.load(project / "data" / "nlu.yml").regexes
    bundled = rasa_yaml.load(DEFAULT_TRAINING_FILE).regexes
    ticket = [re.compile(p) for p in exported["ticket_number"]]
    assert any(p.search("工单 12345 怎么样了") for p in ticket)  # Rasa: raw digits
    assert any(p.search(normalise_for_model("工单 12345 怎么样了")) for p in ticket)  # the desk
    assert not any(re.search(p, "工单 12345 怎么样了") for p in bundled["ticket_number"])
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "qqnum" in readme and r"\d+" in readme  # says what is translated


def test_entities_are_annotated_so_rasa_extracts_unit_and_repair_category(project):
    text = (project / "data" / "nlu.yml").read_text(encoding="utf-8")
    text += (project / "data" / "link_flat.yml").read_text(encoding="utf-8")
    annotated = Counter()
    for _, plain, tagged in ANNOTATION.findall(text):
        annotated[plain or yaml.safe_load(tagged)["entity"]] += 1
    assert annotated["unit"] >= 20 and annotated["repair_category"] >= 100
    assert annotated["phone"] >= 3
    link = load(project, "data/link_flat.yml")["nlu"]
    regex_names = {item["regex"] for item in link if "regex" in item}
    assert regex_names <= set(annotated)  # RegexEntityExtractor uses only these names
    values = set(re.findall(r'"repair_category", "value": "(\w+)"', text))
    assert values and values <= set(REPAIR_CATEGORIES)  # the categorical slot's values
    config = load(project, "config.yml")["pipeline"]
    diet = next(c for c in config if c["name"] == "DIETClassifier")
    assert diet["entity_recognition"] is True
    assert "EntitySynonymMapper" in [c["name"] for c in config]  # 漏水 → plumbing


def test_a_forms_free_text_is_never_an_emergency_cancel_or_a_phone(project):
    domain = load(project, "domain.yml")
    for slot in ("unit", "description"):
        for mapping in domain["slots"][slot]["mappings"]:
            if mapping["type"] == "from_text" and "conditions" in mapping:
                assert {"emergency", "cancel", "human", "link_flat"} <= set(mapping["not_intent"])
    rules = load(project, "data/rules.yml")["rules"]
    for form in ("repair_form", "complaint_form"):
        cancel = [
            r
            for r in rules
            if r.get("condition") == [{"active_loop": form}]
            and r["steps"][0] == {"intent": "cancel"}
        ]
        assert cancel and {"action": "action_deactivate_loop"} in cancel[0]["steps"]
        assert {"active_loop": None} in cancel[0]["steps"]


def test_export_refuses_a_non_empty_directory_without_force(project, tmp_path):
    target = tmp_path / "assistant"
    assert CliRunner().invoke(app, ["rasa", "export", str(target)]).exit_code == 0
    (target / "domain.yml").write_text("# edited by the company\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["rasa", "export", str(target)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert (target / "domain.yml").read_text(encoding="utf-8") == "# edited by the company\n"
    forced = CliRunner().invoke(app, ["rasa", "export", str(target), "--force"])
    assert forced.exit_code == 0
    assert (target / "domain.yml").read_text() == (project / "domain.yml").read_text()


def test_the_readmes_say_what_a_newcomer_needs(project):
    exported = (project / "README.md").read_text(encoding="utf-8")
    main = (REPO / "README.md").read_text(encoding="utf-8")
    for readme in (exported, main):
        assert "propdesk run" in readme and "staff buttons" in readme  # actions never polls
        assert '"resume"' in readme and "/restart" in readme  # who resumes a hand-off
        assert DEMO_OWNER_PHONE in readme  # the demo owner's phone, for trying it
        assert "rasa-sdk 3.21" in readme and "3.6" in readme  # versions checked
    assert "--force" in exported and "Merging into an existing assistant" in exported


def test_only_the_adapter_imports_rasa_sdk():
    importers = set()
    for path in REPO.glob("*/**/*.py"):
        if path.parts[len(REPO.parts)] in (".venv", "tests", "bench"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "rasa_sdk" or n.startswith("rasa_sdk.") for n in names):
                importers.add(path.relative_to(REPO).as_posix())
    assert importers == {"bot/rasa_actions.py"}


def test_the_core_install_does_not_pull_rasa_sdk():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not any("rasa" in dep for dep in project["dependencies"])
    assert any(dep.startswith("rasa-sdk") for dep in project["optional-dependencies"]["rasa"])


def test_the_yaml_has_no_anchors(project):
    for name in ("domain.yml", "data/rules.yml", "config.yml"):
        assert not re.search(r"[&*]id\d+", (project / name).read_text(encoding="utf-8")), name
