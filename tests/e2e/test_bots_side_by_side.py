"""Several bots (one per compound) in one sender process send side by side.

With one request in flight per process, every bot's owners waited behind the other
bots' requests: four compounds' bots shared one Telegram round trip at a time. Now
each bot has its own requests in flight (PROPDESK_SENDS_IN_FLIGHT per bot), and one
bot still sends one request at a time (so a killed worker leaves at most one message
of each bot in doubt). Telegram is made slow here (each answer 0.3 s after the
message is delivered), so that the timing shows which requests overlapped.
"""

from __future__ import annotations

import json
from itertools import pairwise

from bot.delivery import Background
from bot.telegram_app import build_application
from storage import outbox
from storage.db import session_scope
from tests.fakes.bot_api import FakeBotApi, Limits

DELAY = 0.3  # seconds from a message's delivery to Telegram's answer
OWNERS = 6  # per bot
BOTS = {"north": "111:NORTH", "south": "222:SOUTH"}


def queue(runtime, users: dict[str, list[int]]) -> None:
    rows = [
        {
            "key": f"hello:{bot}:{user}",
            "channel": "telegram",
            "address": str(user),
            "kind": "send",
            "payload": json.dumps({"text": f"您好 {user}"}),
            "priority": outbox.REPLY,
            "bot": bot,
        }
        for bot, chats in users.items()
        for user in chats
    ]
    with session_scope(runtime.engine) as session:
        outbox.enqueue(session, rows)


async def test_each_bot_sends_its_own_requests_while_the_others_are_in_flight(runtime):
    async with FakeBotApi(token=BOTS["north"], limits=Limits()) as north:
        apis = {"north": north, "south": north.add_bot(BOTS["south"])}
        runtime.settings = runtime.settings.model_copy(update={"telegram_api_url": north.root})
        users = {bot: [50_000 + 100 * n + i for i in range(OWNERS)] for n, bot in enumerate(BOTS)}
        for bot, api in apis.items():
            api.response_delay = DELAY
            for user in users[bot]:
                api.add_user(user, f"Owner {user}")
        apps = {bot: build_application(runtime, bot=bot, token=BOTS[bot]) for bot in BOTS}
        for app in apps.values():
            await app.initialize()
        outbounds = {bot: app.bot_data["outbound"] for bot, app in apps.items()}
        background = Background(runtime, outbounds, jobs=False, in_flight=1)
        queue(runtime, users)
        await background.start()
        try:
            for bot, api in apis.items():
                for user in users[bot]:
                    await api.wait_sent(user, contains="您好", timeout=20)
        finally:
            await background.stop()
            for app in apps.values():
                await app.shutdown()

    times = {bot: sorted(at for _, _, at in api.delivered) for bot, api in apis.items()}
    # one bot: one request at a time (the next is delivered after the last one's answer)
    for bot, at in times.items():
        assert all(b - a >= DELAY * 0.9 for a, b in pairwise(at)), (bot, at)
    # the bots: side by side (a message of one bot delivered while the other's is in flight)
    together = sorted(at for bot_times in times.values() for at in bot_times)
    assert min(b - a for a, b in pairwise(together)) < DELAY / 2, times
