"""When the monthly report is due: 09:30 on the first working day of the month."""

from __future__ import annotations

from datetime import date, datetime

from handlers.calendar import Calendar
from handlers.kpi import Month
from handlers.monthly import first_working_day, report_due


def weekdays_only(day: date) -> bool:
    return day.weekday() < 5


def test_a_month_starting_on_a_weekend_reports_on_monday():
    assert first_working_day(2026, 11, weekdays_only) == date(2026, 11, 2)  # 1 Nov is a Sunday


def test_public_holidays_are_skipped_too():
    cn = Calendar(holidays="CN")
    # 1 January 2027 is a Friday and New Year's Day; the weekend follows
    assert first_working_day(2027, 1, cn.is_working_day) == date(2027, 1, 4)
    # 2026: 1-3 January off, and Sunday the 4th a make-up working day (调休)
    assert first_working_day(2026, 1, cn.is_working_day) == date(2026, 1, 4)
    assert first_working_day(2026, 10, cn.is_working_day) == date(2026, 10, 8)


def test_due_from_half_past_nine_on_that_day_only():
    assert report_due(datetime(2026, 12, 1, 9, 29), weekdays_only) is None
    assert report_due(datetime(2026, 12, 1, 9, 30), weekdays_only) == Month(2026, 11)
    assert report_due(datetime(2026, 12, 1, 17, 0), weekdays_only) == Month(2026, 11)
    assert report_due(datetime(2026, 12, 2, 9, 30), weekdays_only) is None
    # without holidays, Friday 1 January was the first working day
    assert report_due(datetime(2027, 1, 4, 9, 30), weekdays_only) is None
