"""Which compounds a deployment serves: compounds.yml, `propdesk compound add|list|show`, or
today's single-compound environment; and imports for a compound (`--compound`, or a
`compound` column)."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.compounds import CompoundsError, configured, load_file
from storage import owners as owner_store
from storage.db import session_scope

COMPOUNDS_YML = """\
compounds:
  - id: emerald
    name_zh: 翠湖苑
    name_en: Emerald Lake Court
    duty_phone: 021-6688-1200
    emergency_numbers: {police: "110", fire: "119", ambulance: "120"}
    office_hours: "08:00-20:00"
    staff_chat_id: -1002000000002
  - id: pine
    name_zh: 松园
    name_en: Pine Garden
    timezone: Asia/Urumqi
    staff_chat_id: -1003000000003
"""


@pytest.fixture
def cli(settings, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    monkeypatch.setenv("PROPDESK_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_without_compounds_the_environment_is_the_one_default_compound(runtime, settings):
    (only,) = configured(settings, runtime.engine)
    assert (only.id, only.staff_chat_id, only.timezone) == (
        "default",
        settings.staff_chat_id,
        settings.timezone,
    )
    assert only.emergency_numbers == settings.emergency_numbers


def test_a_compounds_file_is_read_whole_and_wrong_ones_are_named(runtime, settings, tmp_path):
    path = tmp_path / "compounds.yml"
    path.write_text(COMPOUNDS_YML, encoding="utf-8")
    with_file = settings.model_copy(update={"compounds_file": path, "staff_chat_id": None})
    assert [c.id for c in configured(with_file, runtime.engine)] == ["emerald", "pine"]
    emerald = load_file(path)[0]
    assert (emerald.duty_phone, emerald.emergency_numbers) == (
        "021-6688-1200",
        "police=110,fire=119,ambulance=120",
    )
    # with PROPDESK_STAFF_CHAT_ID still set, the data from before compounds stays served
    both = settings.model_copy(update={"compounds_file": path})
    assert [c.id for c in configured(both, runtime.engine)] == ["default", "emerald", "pine"]

    for wrong, reason in (
        (COMPOUNDS_YML.replace("Asia/Urumqi", "Mars/Olympus"), "compound 2: timezone"),
        (COMPOUNDS_YML.replace("id: pine", "id: emerald"), "used twice"),
        (COMPOUNDS_YML.replace("-1003000000003", "-1002000000002"), "same chat"),
        (COMPOUNDS_YML.replace('police: "110", ', ""), "emergency_numbers"),
        (COMPOUNDS_YML.replace("name_en: Pine Garden", "name_fr: Jardin"), "compound 2"),
        ("compounds: []\n", "at least one compound"),
    ):
        path.write_text(wrong, encoding="utf-8")
        with pytest.raises(CompoundsError, match=reason):
            configured(with_file, runtime.engine)


def test_compound_add_list_show_and_the_imports_for_a_compound(cli, runtime, tmp_path):
    added = cli(
        "compound", "add", "north", "--name-zh", "北苑", "--name-en", "North Court",
        "--staff-chat", "-1002000000002", "--duty-phone", "021-5555-0002",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = cli("compound", "list")
    assert "default" in listed.output and "北苑 / North Court" in listed.output
    shown = cli("compound", "show", "north")
    assert "021-5555-0002" in shown.output and "PROPDESK_TELEGRAM_TOKEN" in shown.output
    same_chat = cli(
        "compound", "add", "south", "--name-zh", "南", "--name-en", "S",
        "--staff-chat", "-1002000000002",
    )  # fmt: skip
    assert same_chat.exit_code == 2 and "north" in same_chat.output

    register = tmp_path / "owners.csv"
    register.write_text("房号,姓名,手机号\n1-1-101,北业主,13800000002\n", encoding="utf-8")
    assert cli("import", "owners", str(register), "--compound", "north").exit_code == 0
    bills = tmp_path / "bills.csv"
    bills.write_text(
        "unit,period,item,amount,due_date,paid,小区\n"
        "1-1-101,2026-11,物业费,100,2026-12-01,否,north\n"
        "1-1-101,2026-11,物业费,100,2026-12-01,否,default\n",
        encoding="utf-8",
    )
    refused = cli("import", "bills", str(bills))
    assert refused.exit_code == 1
    assert "bills.csv:3" in refused.output and "of compound" not in refused.output
    mixed = cli("import", "bills", str(bills), "--compound", "north", "--partial")
    assert "compound 'default', but the import is for --compound north" in mixed.output
    assert cli("import", "owners", str(register), "--compound", "nowhere").exit_code == 2
    with session_scope(runtime.engine) as session:
        assert owner_store.unit_by_code(session, "1-1-101") is None  # nothing in default
        north = owner_store.unit_by_code(session, "1-1-101", "north")
        assert [o.name for o in owner_store.owners_of(session, north.id)] == ["北业主"]


def test_run_serves_each_compounds_bot_and_refuses_what_it_cannot_with_a_sentence(
    runtime, settings, tmp_path, capsys, monkeypatch
):
    import typer

    from bot.cli_compound import servable
    from tests.test_cli import propdesk

    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    path = tmp_path / "compounds.yml"
    with_file = settings.model_copy(update={"compounds_file": path})
    west = COMPOUNDS_YML.replace("    timezone: Asia/Urumqi", "    bot: west")
    for text, sentence in (
        (west, "PROPDESK_TELEGRAM_TOKEN_WEST not set"),
        (COMPOUNDS_YML.replace("    staff_chat_id: -1003000000003\n", ""), "pine have no staff"),
    ):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(typer.Exit) as refused:
            servable(with_file, runtime.engine)
        assert refused.value.exit_code == 2 and sentence in capsys.readouterr().err

    # each compound's bot with its own token; --compounds picks the bots of those named
    path.write_text(west, encoding="utf-8")
    monkeypatch.setenv("PROPDESK_TELEGRAM_TOKEN_WEST", "2:west")
    assert servable(with_file, runtime.engine) == {
        "default": "123456:TEST-TOKEN",
        "west": "2:west",
    }
    assert servable(with_file, runtime.engine, ["pine"]) == {"west": "2:west"}
    with pytest.raises(typer.Exit):
        servable(with_file, runtime.engine, ["nowhere"])
    assert "No compound 'nowhere'" in capsys.readouterr().err

    path.write_text("compounds: {}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env |= {
        "PROPDESK_DATABASE_URL": settings.database_url,
        "PROPDESK_TELEGRAM_TOKEN": "1:x",
        "PROPDESK_COMPOUNDS_FILE": str(path),
    }
    result = propdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "compounds.yml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_compounds_faq_file_that_does_not_read_stops_the_start_and_a_missing_phone_warns(
    runtime, settings, tmp_path, capsys
):
    import typer

    from bot.cli_compound import servable
    from bot.runtime import build

    path = tmp_path / "compounds.yml"
    with_file = settings.model_copy(update={"compounds_file": path})
    broken = tmp_path / "pine-faq.yml"
    broken.write_text("entries:\n  - id: [unclosed\n", encoding="utf-8")
    for faq, reason in ((broken, "not valid YAML at line"), (tmp_path / "gone.yml", "no such")):
        pine = f"    timezone: Asia/Urumqi\n    faq: {faq}\n"
        path.write_text(COMPOUNDS_YML.replace("    timezone: Asia/Urumqi\n", pine), "utf-8")
        with pytest.raises(typer.Exit) as refused:
            servable(with_file, runtime.engine)
        said = capsys.readouterr().err
        assert refused.value.exit_code == 2
        assert "compound pine" in said and str(faq) in said and reason in said
        with pytest.raises(CompoundsError, match=f"compound pine: its FAQ file {faq}"):
            build(with_file, engine=runtime.engine)

    # pine, without a duty phone or an FAQ file of its own, would give the desk's phone
    path.write_text(COMPOUNDS_YML, encoding="utf-8")
    servable(with_file, runtime.engine)
    warned = capsys.readouterr().err
    assert "pine have no duty phone" in warned and "emerald" not in warned


def test_owners_remove_finds_a_flat_of_any_compound(cli, runtime, tmp_path, monkeypatch):
    monkeypatch.setenv("PROPDESK_STAFF_CHAT_ID", "-1001000000001")  # "default" stays served
    added = cli("compound", "add", "north", "--name-zh", "北苑", "--name-en", "North Court")
    assert added.exit_code == 0, added.output
    for compound, rows in (
        ("north", "1-1-101,北业主,13800000002\n2-1-201,北二,13800000003\n"),
        ("default", "1-1-101,南业主,13800000004\n"),
    ):
        register = tmp_path / f"{compound}.csv"
        register.write_text("房号,姓名,手机号\n" + rows, encoding="utf-8")
        assert cli("import", "owners", str(register), "--compound", compound).exit_code == 0

    only_north = cli("owners", "remove", "2-1-201")
    assert only_north.exit_code == 0, only_north.output
    assert "北二 (+8613800000003) no longer linked to 2-1-201 of north" in only_north.output
    both = cli("owners", "remove", "1-1-101")
    assert both.exit_code == 2 and "default, north" in both.output and "--compound" in both.output
    north = cli("owners", "remove", "1-1-101", "--compound", "north")
    assert north.exit_code == 0 and "北业主" in north.output and "南业主" not in north.output
    by_phone = cli("owners", "remove", "13800000004", "--compound", "north")
    assert by_phone.exit_code == 1 and "in compound north" in by_phone.output
    assert cli("owners", "remove", "1-1-101", "--compound", "nowhere").exit_code == 2
    with session_scope(runtime.engine) as session:
        south = owner_store.unit_by_code(session, "1-1-101")
        assert [o.name for o in owner_store.owners_of(session, south.id)] == ["南业主"]
        flat = owner_store.unit_by_code(session, "1-1-101", "north")
        assert owner_store.owners_of(session, flat.id) == []
    assert cli("owners", "remove", "13800000004").exit_code == 0
