"""When the desk may push a message to an owner: quiet hours and public holidays.

The service centre's rules (DESIGN.md): nothing is pushed at night, and no
callbacks are made on public holidays. So:

- quiet hours (`PROPDESK_QUIET_HOURS`, e.g. ``21:00-08:00`` local time; the
  window may wrap midnight; empty means none) hold surveys, bill reminders
  and announcements. Replies to owners, emergencies and staff chasing are
  never held.
- public holidays (`PROPDESK_HOLIDAYS`, a country code of the `holidays`
  package; empty means none) hold surveys only: a reminder that a bill is due
  is still useful on a holiday, a "how did we do?" call is not.

`Calendar.next_allowed(moment)` is the first moment at or after `moment` at
which a message may go; it never moves backwards and never loops forever.
Times in and out are aware UTC; the window is read in the compound's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

# A holiday calendar longer than this is a configuration error, not a calendar.
MAX_DAYS_AHEAD = 60


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """``"21:00-08:00"`` → (21:00, 08:00); empty → None. Raises ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"quiet hours must look like 21:00-08:00, not {text!r}")
    window = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    return None if window[0] == window[1] else window


@dataclass(frozen=True)
class Calendar:
    """The compound's clock: its time zone, quiet window and holiday country."""

    timezone: str = "Asia/Shanghai"
    quiet_hours: str = "21:00-08:00"
    holidays: str = "CN"
    _holiday_cache: dict[int, object] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def quiet(self) -> tuple[time, time] | None:
        return parse_quiet_hours(self.quiet_hours)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def today(self, moment: datetime) -> date:
        """The compound's local date at `moment`."""
        return self.local(moment).date()

    def in_quiet_hours(self, moment: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        now = self.local(moment).time().replace(tzinfo=None)
        if start < end:
            return start <= now < end
        return now >= start or now < end  # the window wraps midnight

    def is_holiday(self, day: date) -> bool:
        code = (self.holidays or "").strip()
        if not code:
            return False
        cal = self._holiday_cache.get(day.year)
        if cal is None:
            import holidays as holiday_calendars

            cal = holiday_calendars.country_holidays(code.upper(), years=day.year)
            self._holiday_cache[day.year] = cal
        return day in cal

    def allowed(self, moment: datetime, *, holidays: bool = False) -> bool:
        """May a held message go at `moment`? (`holidays`: also avoid public holidays.)"""
        if self.in_quiet_hours(moment):
            return False
        return not (holidays and self.is_holiday(self.today(moment)))

    def next_allowed(self, moment: datetime, *, holidays: bool = False) -> datetime:
        """The first moment at or after `moment` when a held message may go, in UTC."""
        candidate = moment
        for _ in range(MAX_DAYS_AHEAD * 2 + 2):
            if holidays and self.is_holiday(self.today(candidate)):
                candidate = self.next_midnight(candidate)
                continue
            if self.in_quiet_hours(candidate):
                candidate = self._quiet_end(candidate)
                continue
            return candidate.astimezone(moment.tzinfo)
        raise ValueError(f"no allowed time within {MAX_DAYS_AHEAD} days of {moment}")

    def next_midnight(self, moment: datetime) -> datetime:
        day = self.today(moment) + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=self.zone)

    def _quiet_end(self, moment: datetime) -> datetime:
        """The end of the quiet window `moment` is in (today's or tomorrow's end time)."""
        assert self.quiet is not None
        local = self.local(moment)
        end = datetime.combine(local.date(), self.quiet[1], tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(
                local.date() + timedelta(days=1), self.quiet[1], tzinfo=self.zone
            )
        return end
