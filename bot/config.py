"""Settings from the environment and `.env` (OPERATOR-CONTRACT.md, Configuration)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_DIR = Path(__file__).parent / "demo"
DEFAULT_FAQ = DEMO_DIR / "faq.yml"


def checked_office_hours(value: str | None) -> str | None:
    """`"08:00-20:00"` as given, empty as None; ValueError saying why for anything else."""
    from handlers.handoff import parse_office_hours

    if value:
        parse_office_hours(value)  # raises ValueError with the reason
    return value or None


class Settings(BaseSettings):
    """Every knob an operator can turn; a command-line flag of the same meaning wins."""

    model_config = SettingsConfigDict(
        env_prefix="PROPDESK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///propdesk.db"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    staff_chat_id: int | None = None
    manager_chat_id: int | None = None
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    quiet_hours: str = "21:00-08:00"
    holidays: str = "CN"
    survey_delay_seconds: int = 86400
    survey_retry_seconds: int = 86400  # an unanswered survey is asked once more after this
    faq_path: Path = DEFAULT_FAQ
    demo_faq: bool = False  # `run` may serve the bundled demo FAQ (翠湖苑's duty phone)
    emergency_phone: str | None = None
    model_path: Path | None = None
    chase_repair_minutes: int = 30
    chase_emergency_minutes: int = 10
    complaint_reply_hours: int = 24
    bill_reminder_days: str = "3,0,-3,-10,-30"
    office_hours: str | None = None  # "08:00-20:00"; default: the FAQ base's, else that
    handoff_idle_minutes: int = 30
    emergency_numbers: str = "police=110,fire=119,ambulance=120"
    broadcast_rate: float = 29.0  # messages a second, all chats together (bot/pacing.py)
    telegram_proxy: str | None = None  # http://host:port or socks5://user:pass@host:port
    log_level: str = "INFO"
    health_listen: str = ""  # HOST:PORT for GET /healthz (bot/health.py); empty: none
    log_format: str = "text"  # text | json (bot/logs.py)
    chart_font: Path | None = None  # a .ttf/.otf able to draw Chinese, for the chart
    compounds_file: Path | None = None  # compounds.yml (bot/compounds.py)
    company_chat_id: int | None = None  # the company managers' chat: every compound, read-only
    # Requests in flight per process, all bots together (bot/delivery.py): a killed
    # process leaves at most this many messages in doubt. None: 1 on PostgreSQL, 16 on SQLite.
    sends_in_flight: int | None = None
    outbox_lease_seconds: float = 15.0  # a dead process's claimed rows are taken back after
    ticket_topics: bool = False  # a forum topic per ticket in a forum staff group

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        from bot.logs import LEVELS

        if value.upper() not in LEVELS:
            raise ValueError(f"PROPDESK_LOG_LEVEL must be one of {', '.join(LEVELS)}")
        return value.upper()

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        from bot.logs import FORMATS

        if value.lower() not in FORMATS:
            raise ValueError("PROPDESK_LOG_FORMAT must be text or json")
        return value.lower()

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"PROPDESK_TIMEZONE: no time zone called {value!r}; use an IANA name "
                "like Asia/Shanghai"
            ) from None
        return value

    @field_validator("staff_chat_id", "manager_chat_id", mode="before")
    @classmethod
    def _chat_id(cls, value: object, info) -> object:
        text = str(value).strip() if value is not None else ""
        if value is None or text == "":
            return None
        if not text.lstrip("-").isdigit():
            name = f"PROPDESK_{info.field_name.upper()}"
            raise ValueError(
                f"{name} must be the group's numeric chat id, like -1001234567890, "
                f"not {text!r} (a negative number; README: Running it for real)"
            )
        return int(text)

    @field_validator("telegram_proxy")
    @classmethod
    def _proxy(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("http", "https", "socks5", "socks5h"):
            raise ValueError(
                "PROPDESK_TELEGRAM_PROXY must be a URL like http://host:port or socks5://host:port"
            )
        return value

    @field_validator("health_listen")
    @classmethod
    def _health_listen(cls, value: str) -> str:
        _host, sep, port = value.rpartition(":")
        if value and not (sep and port.isdigit() and 0 < int(port) < 65536):
            raise ValueError("PROPDESK_HEALTH_LISTEN must be HOST:PORT, like 0.0.0.0:8080")
        return value

    @field_validator("compounds_file")
    @classmethod
    def _compounds_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"PROPDESK_COMPOUNDS_FILE: no file at {value}")
        return value

    @field_validator("chart_font")
    @classmethod
    def _chart_font(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"PROPDESK_CHART_FONT: no font file at {value}")
        return value

    def faq_is_the_demo(self) -> bool:
        """True when no FAQ file was configured: the bundled demo compound's would be used."""
        return "faq_path" not in self.model_fields_set or self.faq_path == DEFAULT_FAQ

    def secrets(self) -> list[str]:
        """What never reaches a log line: the token, and a proxy's password."""
        proxy_password = urlsplit(self.telegram_proxy).password if self.telegram_proxy else None
        return [s for s in (self.telegram_token, proxy_password) if s]

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("zh", "en"):
            raise ValueError("PROPDESK_LANGUAGE must be zh or en")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from handlers.calendar import parse_quiet_hours

        parse_quiet_hours(value)  # raises ValueError with the reason
        return value

    @field_validator("holidays")
    @classmethod
    def _holiday_country(cls, value: str) -> str:
        if value.strip():
            import holidays

            if value.strip().upper() not in holidays.list_supported_countries():
                raise ValueError(f"PROPDESK_HOLIDAYS: no public-holiday calendar for {value!r}")
        return value

    @field_validator("bill_reminder_days")
    @classmethod
    def _reminder_days(cls, value: str) -> str:
        from handlers.reminders import parse_days

        try:
            parse_days(value)
        except ValueError as exc:
            raise ValueError("PROPDESK_BILL_REMINDER_DAYS must look like 3,0,-3,-10,-30") from exc
        return value

    @field_validator("office_hours")
    @classmethod
    def _office_hours(cls, value: str | None) -> str | None:
        return checked_office_hours(value)

    @field_validator("emergency_numbers")
    @classmethod
    def _emergency_numbers(cls, value: str) -> str:
        from handlers.emergency import parse_numbers

        parse_numbers(value)  # raises ValueError with the reason
        return value

    @field_validator("handoff_idle_minutes")
    @classmethod
    def _idle_minutes(cls, value: int) -> int:
        if value < 1:
            raise ValueError("PROPDESK_HANDOFF_IDLE_MINUTES must be at least 1")
        return value

    @field_validator("broadcast_rate")
    @classmethod
    def _broadcast_rate(cls, value: float) -> float:
        if not 0 < value <= 30:
            raise ValueError("PROPDESK_BROADCAST_RATE must be above 0 and at most 30 a second")
        return value

    @field_validator("sends_in_flight")
    @classmethod
    def _in_flight(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 64:
            raise ValueError("PROPDESK_SENDS_IN_FLIGHT must be between 1 and 64")
        return value

    @field_validator("outbox_lease_seconds")
    @classmethod
    def _lease(cls, value: float) -> float:
        if value < 2:
            raise ValueError("PROPDESK_OUTBOX_LEASE_SECONDS must be at least 2")
        return value

    def in_flight(self) -> int:
        """PROPDESK_SENDS_IN_FLIGHT, or its default for the database: on PostgreSQL (several
        processes, any one of which may be killed) one per bot, so that a kill leaves at most
        one message of each bot in doubt; SQLite's one process keeps 16 per bot."""
        if self.sends_in_flight is not None:
            return self.sends_in_flight
        return 1 if self.database_url.startswith("postgresql") else 16

    @field_validator(
        "sends_in_flight",
        "telegram_token",
        "emergency_phone",
        "telegram_proxy",
        "chart_font",
        "compounds_file",
        "company_chat_id",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value
