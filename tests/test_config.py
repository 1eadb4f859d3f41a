from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.telegram_app import build_application


def test_the_broadcast_rate_paces_the_telegram_app(runtime):
    default = build_application(runtime).bot_data["outbound"].pacer
    assert default.overall_interval == pytest.approx(1 / 29)
    runtime.settings.broadcast_rate = 10.0
    paced = build_application(runtime).bot_data["outbound"].pacer
    assert paced.overall_interval == pytest.approx(0.1)


@pytest.mark.parametrize("rate", [0, -1, 31])
def test_a_broadcast_rate_outside_telegrams_limit_is_refused(settings, rate):
    with pytest.raises(ValidationError, match="PROPDESK_BROADCAST_RATE"):
        Settings(_env_file=None, database_url=settings.database_url, broadcast_rate=rate)
