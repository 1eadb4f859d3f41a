"""Quiet hours and public holidays: when a held message may go."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
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


def test_holiday_breaks_hold_surveys_but_not_reminders():
    cal = Calendar(quiet_hours="21:00-08:00", holidays="CN")
    assert cal.is_holiday(date(2026, 10, 1)) and not cal.is_holiday(date(2026, 10, 9))
    # National Day 2026: 1-7 October off (Sunday the 4th inside the break too)
    eve = local(2026, 9, 30, 22, 0)
    assert cal.next_allowed(eve, holidays=True) == local(2026, 10, 8, 8, 0)
    assert cal.next_allowed(eve, holidays=False) == local(2026, 10, 1, 8, 0)
    assert not cal.allowed(local(2026, 10, 4, 10), holidays=True)
    assert cal.allowed(local(2026, 10, 2, 10), holidays=False)
    # a ticket resolved on 20 February: no survey on Saturday 21 February, mid-Spring Festival
    assert cal.next_allowed(local(2026, 2, 21, 10), holidays=True) == local(2026, 2, 24, 8)
    # an ordinary weekend is no break
    assert cal.allowed(local(2026, 3, 7, 10), holidays=True)


# The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知).
OFFICIAL_DAYS_OFF_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),  # 元旦
    (date(2026, 2, 15), date(2026, 2, 23)),  # 春节
    (date(2026, 4, 4), date(2026, 4, 6)),  # 清明节
    (date(2026, 5, 1), date(2026, 5, 5)),  # 劳动节
    (date(2026, 6, 19), date(2026, 6, 21)),  # 端午节
    (date(2026, 9, 25), date(2026, 9, 27)),  # 中秋节
    (date(2026, 10, 1), date(2026, 10, 7)),  # 国庆节
]
OFFICIAL_MAKE_UP_DAYS_2026 = {
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
}


def test_every_day_of_2026_against_the_official_schedule():
    cal = Calendar(holidays="CN")
    off = {
        first + timedelta(days=n)
        for first, last in OFFICIAL_DAYS_OFF_2026
        for n in range((last - first).days + 1)
    }
    day = date(2026, 1, 1)
    while day.year == 2026:
        working = day in OFFICIAL_MAKE_UP_DAYS_2026 or (day.weekday() < 5 and day not in off)
        assert cal.is_working_day(day) is working, day
        assert cal.in_holiday_break(day) is (day in off), day
        day += timedelta(days=1)


def test_a_year_without_an_official_schedule_is_logged(caplog):
    cal = Calendar(holidays="CN")
    assert cal.has_schedule(2026)
    assert not cal.has_schedule(2099)
    with caplog.at_level(logging.WARNING, logger="handlers.calendar"):
        cal.is_working_day(date(2099, 3, 2))
        cal.is_working_day(date(2099, 3, 3))  # once per year, not per day
    assert [r.getMessage() for r in caplog.records if "2099" in r.getMessage()] == [
        caplog.records[0].getMessage()
    ]
    assert "no official schedule for 2099" in caplog.records[0].getMessage()
    assert Calendar(holidays="").is_working_day(date(2026, 1, 4)) is False  # no calendar


def test_the_local_day_is_the_compounds_not_utc():
    cal = Calendar(quiet_hours="", holidays="CN")
    # 1 October 00:30 in Shanghai is still 30 September in UTC
    moment = local(2026, 10, 1, 0, 30)
    assert moment.date() == date(2026, 9, 30)
    assert cal.today(moment) == date(2026, 10, 1)
    assert not cal.allowed(moment, holidays=True)
