"""Quiet hours and public holidays: when a held message may go."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar import Calendar, parse_quiet_hours

SH = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def test_quiet_hours_parse_and_empty_means_none():
    assert parse_quiet_hours("21:00-08:00") == (time(21), time(8))
    assert parse_quiet_hours(" 22:30 - 07:15 ") == (time(22, 30), time(7, 15))
    assert parse_quiet_hours("") is None
    with pytest.raises(ValueError):
        parse_quiet_hours("21:00")


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 59, True), (0, 0, True), (7, 59, True), (8, 0, False)],
)
def test_a_window_that_wraps_midnight(hour, minute, quiet):
    cal = Calendar(quiet_hours="21:00-08:00", holidays="")
    assert cal.in_quiet_hours(local(2026, 11, 23, hour, minute)) is quiet


def test_a_window_within_one_day():
    cal = Calendar(quiet_hours="12:00-14:00", holidays="")
    assert cal.in_quiet_hours(local(2026, 11, 23, 13, 0))
    assert not cal.in_quiet_hours(local(2026, 11, 23, 14, 0))
    assert cal.next_allowed(local(2026, 11, 23, 12, 30)) == local(2026, 11, 23, 14, 0)


def test_next_allowed_leaves_an_allowed_moment_alone_and_ends_the_night():
    cal = Calendar(quiet_hours="21:00-08:00", holidays="")
    noon = local(2026, 11, 23, 12, 0)
    assert cal.next_allowed(noon) == noon
    assert cal.next_allowed(local(2026, 11, 23, 22, 15)) == local(2026, 11, 24, 8, 0)
    assert cal.next_allowed(local(2026, 11, 24, 3, 0)) == local(2026, 11, 24, 8, 0)
    assert Calendar(quiet_hours="", holidays="").next_allowed(local(2026, 11, 24, 3)) == local(
        2026, 11, 24, 3
    )


def test_holidays_hold_surveys_but_not_reminders():
    cal = Calendar(quiet_hours="21:00-08:00", holidays="CN")
    assert cal.is_holiday(date(2026, 10, 1)) and not cal.is_holiday(date(2026, 10, 9))
    # National Day 2026: 1-3 October, then 5-7 October (the 4th is an ordinary Sunday)
    eve = local(2026, 9, 30, 22, 0)
    assert cal.next_allowed(eve, holidays=True) == local(2026, 10, 4, 8, 0)
    assert cal.next_allowed(eve, holidays=False) == local(2026, 10, 1, 8, 0)
    assert cal.next_allowed(local(2026, 10, 4, 21, 30), holidays=True) == local(2026, 10, 8, 8)
    assert not cal.allowed(local(2026, 10, 2, 10), holidays=True)
    assert cal.allowed(local(2026, 10, 2, 10), holidays=False)


def test_the_local_day_is_the_compounds_not_utc():
    cal = Calendar(quiet_hours="", holidays="CN")
    # 1 October 00:30 in Shanghai is still 30 September in UTC
    moment = local(2026, 10, 1, 0, 30)
    assert moment.date() == date(2026, 9, 30)
    assert cal.today(moment) == date(2026, 10, 1)
    assert not cal.allowed(moment, holidays=True)
