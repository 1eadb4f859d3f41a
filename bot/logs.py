"""Logging set-up. The bot token is a secret: it is scrubbed from every line,
tracebacks included (httpx and PTB would otherwise log request URLs that
contain it).

`PROPDESK_LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR) sets the level and
`PROPDESK_LOG_FORMAT` the shape: `text` (one line a record) or `json` (one
JSON object a line: `time`, `level`, `logger`, `message`, `exc` when there is
a traceback), for journald, Docker and log collectors. A Bot API that cannot
be reached (or a proxy answering nonsense) is one line with its reason.
"""

from __future__ import annotations

import json
import logging

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str | None, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def redact(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, "***")
        return line

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(entry, ensure_ascii=False))


def _network_errors_in_one_line(record: logging.LogRecord) -> bool:
    """PTB logs a whole traceback for an unreachable server (its network retry loop) or a
    proxy's non-JSON answer; the reason is all an operator needs."""
    from telegram.error import TelegramError

    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, TelegramError | json.JSONDecodeError) and record.name.startswith(
        "telegram"
    ):
        record.msg = f"{record.getMessage()} ({exc})"
        record.args = None
        record.exc_info = None
        record.exc_text = None
    return True


def setup(*, secrets: list[str], level: str = "INFO", fmt: str = "text") -> None:
    """Log to stderr at `level` in `fmt` (`text` or `json`), secrets scrubbed."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter(None, secrets))
    else:
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
        )
    handler.addFilter(_network_errors_in_one_line)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Request lines are noise at INFO and carry the token in their URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
