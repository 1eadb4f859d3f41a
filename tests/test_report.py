"""The monthly KPIs against a hand-computed fixture month (March 2026, Asia/Shanghai),
the chart's PNG, and the CLI's `report` and `export tickets`.

Every row is written directly with storage at fixed times. The expected figures
were worked out by hand from the table in `fixture_month`'s docstring.
"""

from __future__ import annotations

import csv
import struct
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from handlers import kpi
from handlers.monthly import monthly_report, report_text
from handlers.report_chart import render_png
from handlers.turn import DeskConfig
from storage.db import make_engine, session_scope
from storage.models import FaqAnswer, Survey, Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")
CONFIG = DeskConfig(language="en", timezone="Asia/Shanghai")
MARCH = kpi.Month(2026, 3)
AFTER = datetime(2026, 5, 1, tzinfo=SH)  # "now": long after the month


def L(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local (Shanghai) time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


# number, kind, category, user, created, [(action, at)], survey (due, rating, answered, status)
TICKETS = [
    (1, "repair", "plumbing", 1006, L(3, 2, 9),
     [("taken", L(3, 2, 9, 20)), ("resolved", L(3, 2, 15))], (L(3, 3, 15), 5, L(3, 3, 16))),
    (2, "repair", "electrical", 2002, L(3, 5, 10),
     [("message_out", L(3, 5, 10, 10)), ("taken", L(3, 5, 11)), ("resolved", L(3, 6, 10))],
     (L(3, 7, 10), 4, L(3, 7, 11))),
    (3, "repair", "plumbing", 1002, L(3, 10, 8),
     [("taken", L(3, 10, 9)), ("resolved", L(3, 10, 12))], (L(3, 11, 12), 2, L(3, 11, 13))),
    (4, "complaint", None, 1004, L(3, 12, 20),
     [("message_out", L(3, 13, 9)), ("resolved", L(3, 14, 20))], (L(3, 15, 20), None, None)),
    (5, "complaint", None, 2005, L(3, 28, 10), [], None),
    (6, "emergency", "gas", 2006, L(3, 20, 3),
     [("taken", L(3, 20, 3, 5)), ("resolved", L(3, 20, 5))], (L(3, 21, 5), 5, L(3, 21, 9))),
    (7, "consultation", None, 1003, L(3, 25, 14), [("message_out", L(3, 25, 14, 30))], None),
    (8, "repair", "elevator", 2008, L(3, 31, 23), [], None),
    (9, "repair", "plumbing", 2009, L(3, 31, 23, 45), [], None),
    (10, "repair", "heating", 2010, L(2, 27, 10),
     [("taken", L(2, 27, 10, 30)), ("resolved", L(3, 1, 10))], (L(3, 2, 10), 3, L(3, 2, 12))),
    (11, "repair", "door_access", 2011, L(3, 1, 0, 10), [("taken", L(3, 1, 0, 40))], None),
    (12, "repair", "other", 1005, L(4, 1, 0, 5), [], None),
    (13, "repair", "plumbing", 2013, L(3, 15, 10),
     [("taken", L(3, 15, 10, 15)), ("resolved", L(3, 15, 12)), ("reopened", L(3, 16, 9))],
     (L(3, 16, 8), 1, L(3, 16, 8, 55))),
    (14, "complaint", None, 2014, L(3, 3, 9),
     [("taken", L(3, 3, 10)), ("resolved", L(3, 20, 9)), ("reopened", L(4, 2, 9))],
     (L(3, 21, 9), None, None)),
    (15, "repair", "other", 2015, L(2, 20, 9),
     [("taken", L(2, 20, 9, 10)), ("resolved", L(2, 27, 9))], (L(2, 28, 10), 4, L(3, 1, 9))),
]  # fmt: skip

# (channel, user, at): FAQ answers; the comment says whether it counts as resolved at first contact
FAQ_ANSWERS = [
    ("telegram", 1001, L(3, 5, 10)),  # no ticket ever: yes
    ("telegram", 1002, L(3, 9, 8, 30)),  # ticket 3 opened 23.5 h later: no
    ("telegram", 1003, L(3, 25, 13, 50)),  # hand-off (ticket 7) 10 min later: no
    ("telegram", 1004, L(3, 11, 19)),  # ticket 4 opened 25 h later: yes
    ("telegram", 1005, L(3, 31, 20)),  # ticket 12 opened 4 h later, in April: no
    ("telegram", 1001, L(3, 20, 10)),  # yes
    ("telegram", 1006, L(3, 2, 10)),  # ticket 1 was opened an hour *before*: yes
    ("console", 1002, L(3, 9, 8, 30)),  # same user id on another channel: yes
    ("telegram", 1001, L(2, 28, 23)),  # February: not counted
]

STATUS_AFTER = {"taken": "taken", "resolved": "resolved", "reopened": "reopened"}


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def fixture_month(engine):
    """The month, as a supervisor would tabulate it (minutes from opening):

    opened in March: #1-9, #11, #13, #14 (12; #10, #15 are February's, #12 April's;
      #11 at 00:10 local on 1 March is 16:10 UTC on 28 February and still March's)
    resolved in March: #1 360, #2 1440, #3 240, #4 2880, #6 120, #10 2880, #13 120,
      #14 24480 -> p50 900 (15 h), p90 9360 (6 d 12 h)
    first response in March: #1 20, #2 10, #3 60, #4 780, #6 5, #7 30, #11 30, #13 15,
      #14 60 -> p50 30, p90 204 (3 h 24 min)
    surveys due in March: #1 #2 #3 #4 #6 #10 #13 #14, rated: 6 of 8
    ratings given in March: 5 4 2 5 3 1 and #15's 4 (due in February) -> 4 of 7 are 4-5
    complaints opened in March: #4 resolved, #5 open, #14 resolved (reopened only in
      April) -> 2 of 3
    FAQ answers in March: 8, of which 5 not followed by a ticket within 24 h
    overdue at 1 April 00:00: #5 (complaint, 24 h passed), #8 (repair, 1 h without
      anyone), #13 (reopened 16 March, nobody since); not #9 (15 min old), #7 (answered)
    """
    with session_scope(engine) as session:
        for number, kind, category, user, created, events, survey in TICKETS:
            ticket = Ticket(
                kind=kind,
                category=category,
                channel="telegram",
                chat_id=user,
                user_id=user,
                description=f"ticket {number}",
                created_at=created,
            )
            session.add(ticket)
            session.flush()
            assert ticket.id == number
            session.add(TicketEvent(ticket_id=number, actor="owner", action="opened", at=created))
            for action, at in events:
                session.add(
                    TicketEvent(
                        ticket_id=number, actor="staff", actor_name="李师傅", action=action, at=at
                    )
                )
                ticket.status = STATUS_AFTER.get(action, ticket.status)
                if action != "reopened" and ticket.first_response_at is None:
                    ticket.first_response_at = at
                if action == "taken":
                    ticket.taken_at, ticket.assignee_name = at, "李师傅"
                ticket.resolved_at = (
                    at
                    if action == "resolved"
                    else (None if action == "reopened" else ticket.resolved_at)
                )
            if survey is not None:
                due, rating, answered = survey
                session.add(
                    Survey(
                        ticket_id=number,
                        due_at=due,
                        rating=rating,
                        answered_at=answered,
                        status="answered" if rating else "unreached",
                    )
                )
        for channel, user, at in FAQ_ANSWERS:
            session.add(FaqAnswer(channel=channel, user_id=user, faq_id="office_hours", at=at))
    return MARCH


def test_every_kpi_matches_the_hand_computed_month(engine, fixture_month):
    with session_scope(engine) as session:
        k = kpi.compute(session, fixture_month, config=CONFIG, now=AFTER)
    assert k.opened == 12
    assert k.opened_by_kind == Counter(repair=7, complaint=3, emergency=1, consultation=1)
    assert k.opened_by_category == Counter(
        plumbing=4, none=4, electrical=1, elevator=1, door_access=1, gas=1
    )
    assert k.resolved == 8
    assert k.resolved_by_kind == Counter(repair=5, complaint=2, emergency=1)
    assert k.resolved_by_category == Counter(plumbing=3, none=2, electrical=1, heating=1, gas=1)
    assert k.first_response == kpi.Spread(count=9, p50=30, p90=pytest.approx(204))
    assert k.resolution == kpi.Spread(count=8, p50=900, p90=pytest.approx(9360))
    assert k.survey_completion == kpi.Rate(6, 8)
    assert k.satisfaction == kpi.Rate(4, 7)
    assert k.complaint_resolution == kpi.Rate(2, 3)
    assert k.first_contact_resolution == kpi.Rate(5, 8)
    assert k.overdue == [13, 8, 5]
    assert k.as_of == datetime(2026, 4, 1, tzinfo=SH)


def test_the_report_text_says_it_in_words(engine, fixture_month):
    with session_scope(engine) as session:
        k = kpi.compute(session, fixture_month, config=CONFIG, now=AFTER)
    text = report_text(k, "en")
    for line in (
        "📊 <b>Service report 2026-03</b>",
        "<b>Tickets opened: 12</b>",
        "  Repair 7 · Complaint 3 · EMERGENCY 1 · Hand-off to a person 1",
        "First staff response (9 tickets): median 30 min, 90th percentile 3 h 24 min",
        "Resolution (8 tickets): median 15 h, 90th percentile 6 d 12 h",
        "Callback (survey) completion: 6/8 = 75%",
        "Satisfaction (ratings 4-5): 4/7 = 57%",
        "Complaint resolution: 2/3 = 67%",
        "First-contact resolution (FAQ): 5/8 = 62%",
        "Overdue at 2026-04-01 00:00: 3 (#13, #8, #5)",
    ):
        assert line in text.split("\n")
    zh = report_text(k, "zh")
    assert "回访完成率：6/8 = 75%" in zh and "中位数 15 小时" in zh


def test_an_empty_month_says_dash_not_zero_percent(engine):
    with session_scope(engine) as session:
        k = kpi.compute(session, kpi.Month(2025, 1), config=CONFIG, now=AFTER)
    assert k.satisfaction.value is None
    assert "Satisfaction (ratings 4-5): —" in report_text(k, "en")


def test_percentile_interpolates_between_ranks():
    assert kpi.percentile([], 0.5) is None
    assert kpi.percentile([7], 0.9) == 7
    assert kpi.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert kpi.percentile([10, 20], 0.9) == pytest.approx(19)


def test_month_parsing_and_the_default_month():
    assert str(kpi.Month.parse("2026-3")) == "2026-03"
    with pytest.raises(ValueError):
        kpi.Month.parse("2026-13")
    # 1 April 07:00 in Shanghai is still 31 March in UTC: the last full month is March
    assert (
        kpi.Month.previous(datetime(2026, 3, 31, 23, tzinfo=ZoneInfo("UTC")), CONFIG.timezone)
        == MARCH
    )
    assert kpi.Month(2026, 12).shift(1) == kpi.Month(2027, 1)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_the_chart_is_a_1200_by_800_png(engine, fixture_month):
    with session_scope(engine) as session:
        outcome = monthly_report(session, "2026-03", CONFIG, now=AFTER)
    (notice,) = outcome.staff
    assert "2026-03" in notice.text
    assert len(notice.image) > 10_000
    assert _png_size(notice.image) == (1200, 800)
    with session_scope(engine) as session:
        empty = kpi.compute(session, kpi.Month(2025, 1), config=CONFIG, now=AFTER)
    assert _png_size(render_png(empty, lang="zh")) == (1200, 800)


def test_cli_report_and_export(engine, fixture_month, database_url, tmp_path, monkeypatch):
    from bot.cli import app

    monkeypatch.setenv("PROPDESK_LANGUAGE", "en")
    monkeypatch.setenv("PROPDESK_TIMEZONE", "Asia/Shanghai")
    runner = CliRunner()
    png = tmp_path / "kpi.png"
    result = runner.invoke(
        app,
        ["report", "--month", "2026-03", "--png", str(png), "--database-url", database_url],
    )
    assert result.exit_code == 0, result.output
    assert "Callback (survey) completion: 6/8 = 75%" in result.output
    assert _png_size(png.read_bytes()) == (1200, 800)

    bad = runner.invoke(app, ["report", "--month", "March", "--database-url", database_url])
    assert bad.exit_code == 2

    out = tmp_path / "tickets.csv"
    result = runner.invoke(
        app,
        ["export", "tickets", "--month", "2026-03", str(out), "--database-url", database_url],
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:7] == ["Number", "Kind", "Category", "Flat", "Owner", "Phone", "Description"]
    assert rows[0][9:12] == ["Opened at", "Taken at", "Resolved at"]
    assert [int(r[0]) for r in rows[1:]] == [11, 1, 14, 2, 3, 4, 13, 6, 7, 5, 8, 9]
    by_number = {int(r[0]): r for r in rows[1:]}
    one = by_number[1]
    assert one[1:3] == ["Repair", "Plumbing"] and one[8] == "李师傅"
    assert one[9:12] == ["2026-03-02 09:00", "2026-03-02 09:20", "2026-03-02 15:00"]
    assert one[12:] == ["20", "360", "5"]
    assert by_number[5][12:] == ["", "", ""]


def test_the_report_month_by_default_is_the_last_full_one(engine, fixture_month):
    with session_scope(engine) as session:
        outcome = monthly_report(
            session, None, CONFIG, now=datetime(2026, 4, 1, 9, 30, tzinfo=SH), chart=False
        )
    assert "2026-03" in outcome.staff[0].text and outcome.staff[0].image is None


def _owner_ticket(engine, *, name: str, phone: str, description: str, kind: str, category=None):
    """An owner of 3-2-502 and a ticket of theirs without a flat, opened 20 March."""
    from storage import owners as owner_store

    with session_scope(engine) as session:
        owner, _ = owner_store.upsert_owner(
            session, unit_code="3-2-502", name=name, phone=phone, language="zh"
        )
        session.add(
            Ticket(
                kind=kind,
                category=category,
                channel="telegram",
                chat_id=501,
                user_id=501,
                owner_id=owner.id,
                description=description,
                created_at=L(3, 20, 3),
            )
        )


def test_the_export_says_what_a_ticket_was_about_and_whom_to_call(engine):
    import io

    from handlers.export import write_tickets

    _owner_ticket(
        engine,
        name="刘洋",
        phone="+8613800138000",
        description='=HYPERLINK("http://x","煤气味")\n很浓',
        kind="emergency",
        category="gas",
    )
    out = io.StringIO()
    with session_scope(engine) as session:
        write_tickets(session, MARCH, config=CONFIG, out=out)
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    exported = dict(zip(header, row, strict=True))
    assert exported["Flat"] == "3-2-502"  # the emergency came without a flat: the owner's
    assert exported["Phone"] == "138 0013 8000"  # Excel keeps it as text, not 1.38001E+10
    assert exported["Description"] == '\'=HYPERLINK("http://x","煤气味")\n很浓'  # never a formula
    assert exported["Resolved at"] == ""


def test_export_to_xlsx_writes_a_workbook_with_text_phones_and_no_formulas(
    engine, fixture_month, database_url, tmp_path, monkeypatch
):
    """`export tickets … FILE.xlsx` wrote CSV text under an .xlsx name; Excel refused it."""
    import openpyxl

    from bot.cli import app

    _owner_ticket(
        engine, name="=1+1", phone="+8613674768331", description="@SUM(A1)", kind="repair"
    )
    monkeypatch.setenv("PROPDESK_LANGUAGE", "en")
    out = tmp_path / "tickets.xlsx"
    result = CliRunner().invoke(
        app, ["export", "tickets", "--month", "2026-03", str(out), "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    mine_row = next(r for r in rows if r[header.index("Owner")] == "=1+1")
    mine = dict(zip(header, mine_row, strict=True))
    assert mine["Phone"] == "136 7476 8331" and mine["Description"] == "@SUM(A1)"
    assert len(rows) == 1 + 13
    types = {c.data_type for row in sheet.iter_rows() for c in row}
    assert "f" not in types  # no formula anywhere


def test_the_chinese_chart_draws_chinese_and_no_legend_covers_a_label(engine, fixture_month):
    import warnings

    from matplotlib import font_manager

    from handlers.report_chart import figure

    with session_scope(engine) as session:
        figures = kpi.compute(session, MARCH, config=CONFIG, now=AFTER)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figure(figures, lang="zh")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert "服务指标" in fig.texts[0].get_text()  # the title, in Chinese
    used = font_manager.findfont(fig.texts[0].get_fontproperties(), fallback_to_default=False)
    assert "NotoSansSC" in Path(used).name  # the font that comes with the dependencies
    by_kind = fig.axes[0]
    legend_labels = [text.get_text() for text in by_kind.get_legend().get_texts()]
    assert legend_labels == ["新建", "已解决"]
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for label in ax.texts:  # the numbers over the bars
            assert not box.overlaps(label.get_window_extent(renderer)), label.get_text()
        for bar in ax.patches:
            assert not box.overlaps(bar.get_window_extent(renderer))


def test_the_chart_title_of_a_month_not_yet_over_says_overdue_as_of_now(engine, fixture_month):
    from handlers.report_chart import figure

    mid_march = L(3, 20, 14, 30)
    with session_scope(engine) as session:
        running = kpi.compute(session, MARCH, config=CONFIG, now=mid_march)
        ended = kpi.compute(session, MARCH, config=CONFIG, now=AFTER)
    now_title = figure(running, lang="zh").texts[0].get_text()
    assert "月末" not in now_title and "截至 2026-03-20 14:30 超时工单" in now_title
    assert "截至 2026-04-01 00:00 超时工单" in figure(ended, lang="zh").texts[0].get_text()
