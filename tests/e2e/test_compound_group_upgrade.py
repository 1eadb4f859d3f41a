"""A compound's own staff group upgraded to a supergroup (issue 12, fault 1, with issue 14's
compounds): followed like the desk's own staff group — its cards go to the new id, staff
commands there are answered, and a restart keeps the new id."""

from __future__ import annotations

import pytest

from bot.runtime import build
from tests.e2e.test_staff_group_changes import errors_naming, until

pytestmark = pytest.mark.e2e

NORTH_BASIC = -4002002
NORTH_SUPER = -1004002002
NORTH_STAFF = 7101
NORTH_OWNER = 812


@pytest.fixture
def settings(settings, tmp_path):
    """The desk's own compound and "north", from a compounds file (which the desk cannot
    rewrite: the database remembers the new id)."""
    listed = tmp_path / "compounds.yml"
    listed.write_text(
        "compounds:\n"
        "  - id: north\n"
        "    name_zh: 北苑\n"
        "    name_en: North Court\n"
        f"    staff_chat_id: {NORTH_BASIC}\n",
        encoding="utf-8",
    )
    return settings.model_copy(update={"compounds_file": listed})


@pytest.fixture
async def north(desk):
    desk.api.add_user(NORTH_STAFF, "北苑客服")
    desk.api.add_group(NORTH_BASIC, title="北苑服务中心", members={NORTH_STAFF: "creator"})
    desk.register(
        NORTH_OWNER, phone="13800138012", unit="1-1-101", name="北业主", compound="north"
    )
    await desk.bind(NORTH_OWNER)
    return desk


@pytest.mark.parametrize("announce", [True, False])
async def test_a_compounds_upgraded_group_is_followed_for_good(north, caplog, announce):
    desk = north
    desk.api.migrate_group(NORTH_BASIC, NORTH_SUPER, by=NORTH_STAFF, announce=announce)
    if not announce:  # learnt from the 400 of the first card
        reply = await desk.say(NORTH_OWNER, "厨房水管漏水了，滴了一地")
        assert "#1" in reply["text"]
    await until(lambda: errors_naming(caplog, str(NORTH_SUPER)), "the ERROR naming the new id")
    await desk.say(NORTH_OWNER, "楼道灯不亮了，晚上很黑")
    await desk.api.wait_sent(NORTH_SUPER, "楼道灯不亮", timeout=10)

    listing = await desk.say(NORTH_STAFF, "/tickets", chat_id=NORTH_SUPER)
    assert "楼道灯不亮" in listing["text"]

    restarted = build(desk.runtime.settings)
    try:
        (found,) = [c for c in restarted.desk.config.compounds if c.id == "north"]
        assert found.staff_chat_id == NORTH_SUPER
    finally:
        restarted.executor.shutdown(wait=True)
        restarted.engine.dispose()
