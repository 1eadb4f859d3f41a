"""When the desk may push a message to an owner: quiet hours and public holidays.

The service centre's rules (DESIGN.md): nothing is pushed at night, and no
callbacks are made on public holidays. So:

- quiet hours (`PROPDESK_QUIET_HOURS`, e.g. ``21:00-08:00`` local time; the
  window may wrap midnight; empty means none) hold surveys, bill reminders
  and announcements. Replies to owners, emergencies and staff chasing are
  never held.
- public holidays (`PROPDESK_HOLIDAYS`, a country code of the `holidays`
  package; empty means none) hold surveys only: a reminder that a bill is due
  is still useful on a holiday, a "how did we do?" call is not. A holiday
  break is the whole run of days off around a holiday: in China the weekend
  days inside an official break (2026-02-21, Spring Festival) are days off
  too, and the make-up working days (调休: 2026-01-04, 02-14, 02-28, 05-09,
  09-20, 10-10) are working days. Both come from the `holidays` package
  (`is_working_day`, the State Council's yearly notice); a year whose notice
  the installed package does not have is logged as a warning.

`Calendar.next_allowed(moment)` is the first moment at or after `moment` at
which a message may go; it never moves backwards and never loops forever.
Times in and out are aware UTC; the window is read in the compound's zone.
`Calendars` holds each compound's calendar (its own time zone; the quiet hours and the
holiday country are the deployment's).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

# A holiday calendar longer than this is a configuration error, not a calendar.
MAX_DAYS_AHEAD = 60
# No official break is longer than this (Spring Festival: 9 days in 2026).
LONGEST_BREAK = 16
log = logging.getLogger(__name__)


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

    def _calendar(self, year: int):
        """The `holidays` calendar of one year (None without a country), cached; warns once
        when the package has no official schedule for that year."""
        code = (self.holidays or "").strip().upper()
        if not code:
            return None
        cal = self._holiday_cache.get(year)
        if cal is None:
            import holidays as holiday_calendars

            cal = holiday_calendars.country_holidays(code, years=year)
            self._holiday_cache[year] = cal
            if not self.has_schedule(year):
                log.warning(
                    "the %s holiday calendar (holidays %s) has no official schedule for %d: "
                    "make-up working days are missing and breaks may be wrong; upgrade the "
                    "holidays package when the government publishes it",
                    code,
                    holiday_calendars.__version__,
                    year,
                )
        return cal

    def check_years(self, *years: int) -> list[int]:
        """Load these years' calendars now; the years without an official schedule (each
        also logged as a warning)."""
        for year in years:
            self._calendar(year)
        return [year for year in years if not self.has_schedule(year)]

    def has_schedule(self, year: int) -> bool:
        """Does the installed `holidays` know this year's officially announced schedule?

        Countries that announce their breaks each year (China's State Council, every
        November) list them per year in the package, the last three years at least;
        for the others every year is known from fixed rules."""
        code = (self.holidays or "").strip().upper()
        if not code:
            return True
        import holidays as holiday_calendars

        announced = getattr(
            holiday_calendars.country_holidays(code), "special_public_holidays", None
        )
        latest = max(announced, default=0)
        yearly = all(y in (announced or {}) for y in range(latest - 2, latest + 1))
        return not yearly or year <= latest

    def is_holiday(self, day: date) -> bool:
        """A public holiday itself (not the weekend days of its break)."""
        cal = self._calendar(day.year)
        return cal is not None and day in cal

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a public holiday, and the make-up working days (调休)."""
        cal = self._calendar(day.year)
        if cal is None:
            return day.weekday() < 5
        return cal.is_working_day(day)

    def in_holiday_break(self, day: date) -> bool:
        """Is `day` a day off in a run of days off that holds a public holiday?"""
        if self.is_working_day(day):
            return False
        for step in (-1, 1):
            for n in range(LONGEST_BREAK):
                other = day + timedelta(days=step * n)
                if self.is_working_day(other):
                    break
                if self.is_holiday(other):
                    return True
        return False

    def allowed(self, moment: datetime, *, holidays: bool = False) -> bool:
        """May a held message go at `moment`? (`holidays`: also avoid holiday breaks.)"""
        if self.in_quiet_hours(moment):
            return False
        return not (holidays and self.in_holiday_break(self.today(moment)))

    def next_allowed(self, moment: datetime, *, holidays: bool = False) -> datetime:
        """The first moment at or after `moment` when a held message may go, in UTC."""
        candidate = moment
        for _ in range(MAX_DAYS_AHEAD * 2 + 2):
            if holidays and self.in_holiday_break(self.today(candidate)):
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


@dataclass(frozen=True)
class Calendars:
    """Each compound's calendar by compound id; `default` for any other compound (and
    for everything on a desk without compounds)."""

    default: Calendar = field(default_factory=Calendar)
    by_compound: Mapping[str, Calendar] = field(default_factory=dict)

    def of(self, compound_id: str) -> Calendar:
        return self.by_compound.get(compound_id, self.default)

    def each(self) -> list[tuple[str | None, Calendar]]:
        """(compound id, its calendar) for every compound; [(None, default)] for a desk
        without compounds (None: every compound)."""
        return list(self.by_compound.items()) or [(None, self.default)]
