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


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("telegram_proxy", "ftp://proxy:21", "PROPDESK_TELEGRAM_PROXY"),
        ("chart_font", "/no/such/font.otf", "PROPDESK_CHART_FONT"),
        ("log_level", "LOUD", "PROPDESK_LOG_LEVEL"),
        ("log_format", "xml", "PROPDESK_LOG_FORMAT"),
    ],
)
def test_office_settings_are_checked_at_start(settings, setting, value, named):
    with pytest.raises(ValidationError, match=named):
        Settings(_env_file=None, database_url=settings.database_url, **{setting: value})


def test_json_logs_are_one_object_a_line_and_keep_secrets_out(settings, capsys):
    import json
    import logging

    from bot import logs

    proxied = Settings(
        _env_file=None,
        database_url=settings.database_url,
        telegram_token="123:SECRET",
        telegram_proxy="socks5://office:pa55word@10.0.0.1:1080",
        log_format="json",
    )
    logs.setup(secrets=proxied.secrets(), level="INFO", fmt=proxied.log_format)
    try:
        logging.getLogger("bot.test").warning("token 123:SECRET via pa55word")
    finally:
        logging.getLogger().handlers.clear()
    (line,) = capsys.readouterr().err.splitlines()
    entry = json.loads(line)
    assert (entry["level"], entry["logger"]) == ("WARNING", "bot.test")
    assert entry["message"] == "token *** via ***"
