from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.delivery import Background
from bot.telegram_app import build_application


async def test_the_broadcast_rate_is_the_senders_overall_budget(runtime):
    app = build_application(runtime)
    runtime.settings.broadcast_rate = 10.0
    background = Background(runtime, app.bot_data["outbound"])
    budgets = background.sender.budgets
    for _ in range(10):
        assert budgets.delay("1") == 0
        await budgets.spend(str(_))
    assert budgets.delay("1") > 0.5  # the eleventh within a second waits


@pytest.mark.parametrize("rate", [0, -1, 31])
def test_a_broadcast_rate_outside_telegrams_limit_is_refused(settings, rate):
    with pytest.raises(ValidationError, match="PROPDESK_BROADCAST_RATE"):
        Settings(_env_file=None, database_url=settings.database_url, broadcast_rate=rate)
