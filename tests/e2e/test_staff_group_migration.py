"""A staff group Telegram upgrades to a supergroup: a new chat id, told by a service message
or only by the 400 of the next send (issue 12, fault 1, receive side)."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime import build
from storage.db import session_scope
from storage.models import ChatMigration
from tests.e2e.conftest import STAFF
from tests.e2e.test_staff_group_changes import OWNER, PHONE, errors_naming, until

pytestmark = pytest.mark.e2e

BASIC_GROUP = -4001001  # a basic group: Telegram upgrades it to a supergroup with a new id
SUPERGROUP = -1004001001


@pytest.fixture
def settings(settings):
    """The staff chat starts as a basic group (the fake knows it through `staff_group`)."""
    return settings.model_copy(update={"staff_chat_id": BASIC_GROUP})


@pytest.fixture
def staff_group(desk):
    desk.api.add_group(BASIC_GROUP, title="服务中心", members={STAFF: "creator"})
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    return desk


async def test_an_upgraded_staff_group_is_followed_for_good(staff_group, caplog):
    desk = staff_group
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    await desk.api.wait_sent(BASIC_GROUP, "#1")

    desk.api.migrate_group(BASIC_GROUP, SUPERGROUP, by=STAFF)
    await until(lambda: desk.runtime.settings.staff_chat_id == SUPERGROUP, "the switch")
    await until(lambda: len(errors_naming(caplog, str(SUPERGROUP))) >= 1, "the ERROR")
    await asyncio.sleep(0.2)  # both service messages handled
    assert len(errors_naming(caplog, "PROPDESK_STAFF_CHAT_ID")) == 1

    # staff commands in the new supergroup are answered there
    listing = await desk.say(STAFF, "/tickets", chat_id=SUPERGROUP)
    assert "#1" in listing["text"]
    # a new repair's card goes to the new id
    reply = await desk.say(OWNER, "楼道灯不亮了，晚上很黑")
    assert "#2" in reply["text"]
    await desk.api.wait_sent(SUPERGROUP, "#2")

    # a restart with `.env` still naming the old group uses the new id
    restarted = build(desk.runtime.settings.model_copy(update={"staff_chat_id": BASIC_GROUP}))
    try:
        assert restarted.settings.staff_chat_id == SUPERGROUP
        assert restarted.desk.config.staff_chat_id == SUPERGROUP
    finally:
        restarted.executor.shutdown(wait=True)
        restarted.engine.dispose()


async def test_a_missed_upgrade_is_learnt_from_the_400_and_the_owner_still_gets_a_reply(
    staff_group, caplog
):
    desk = staff_group
    await desk.bind(OWNER)
    desk.api.migrate_group(BASIC_GROUP, SUPERGROUP, by=STAFF, announce=False)
    reply = await desk.say(OWNER, "厨房水管漏水了，滴了一地")  # the card fails: 400 migrated
    assert "#1" in reply["text"]
    await until(lambda: desk.runtime.settings.staff_chat_id == SUPERGROUP, "the switch")
    await until(lambda: errors_naming(caplog, f"new id {SUPERGROUP}"), "the ERROR")  # after it
    refused = [c for c in desk.api.calls if c.chat_id == BASIC_GROUP and c.status == 400]
    assert "upgraded to a supergroup" in refused[0].result_or_error
    assert len(errors_naming(caplog, f"new id {SUPERGROUP}")) == 1
    with session_scope(desk.runtime.engine) as session:
        assert session.get(ChatMigration, BASIC_GROUP).new_chat_id == SUPERGROUP
    reply = await desk.say(OWNER, "楼道灯不亮了，晚上很黑")
    await desk.api.wait_sent(SUPERGROUP, "#2")
