"""The monthly service report: the KPIs (handlers/kpi.py) as text and as a chart.

`monthly_report(session, month, config)` is the one entry point for the staff
chat's `/report` and for the scheduler's automatic post on the first working
day of the month; `propdesk report` prints `report_text` on the command line.
The default month is the last full month: a report is read when the month is
over (`/report 2026-11` or `--month` picks another; the running month shows
its figures so far, with overdue counted as of now).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from rich.cells import cell_len, set_cell_size  # monospace columns: CJK takes two
from sqlmodel import Session

from handlers import compounds, kpi
from handlers.calendar import Calendar, Calendars
from handlers.i18n import N_, t, tn
from handlers.messages import Outcome, StaffNotice
from handlers.text import esc, local_time
from handlers.tickets import CATEGORY_LABEL, KIND_LABEL
from handlers.turn import DeskConfig
from storage import outbox
from storage.types import utcnow

KIND_ORDER = ("repair", "complaint", "emergency", "consultation")
NONE_CATEGORY = N_("Uncategorised")
OVERDUE_SHOWN = 15


def category_label(key: str, lang: str) -> str:
    if key == "none":
        return t(lang, NONE_CATEGORY)
    return t(lang, CATEGORY_LABEL.get(key, "Other"))


def kind_label(key: str, lang: str) -> str:
    return t(lang, KIND_LABEL.get(key, key))


def duration(minutes: float | None, lang: str) -> str:
    """Minutes for people: "25 min", "3 h 10 min", "2 d 4 h"."""
    if minutes is None:
        return "—"
    total = round(minutes)
    if total < 60:
        return t(lang, "{m} min", m=total)
    hours, mins = divmod(total, 60)
    if hours < 48:
        return t(lang, "{h} h {m} min", h=hours, m=mins) if mins else t(lang, "{h} h", h=hours)
    days, hours = divmod(hours, 24)
    return t(lang, "{d} d {h} h", d=days, h=hours) if hours else t(lang, "{d} d", d=days)


def percent(rate: kpi.Rate) -> str:
    value = rate.value
    if value is None:
        return "—"
    return f"{rate.done}/{rate.total} = {value * 100:.0f}%"


def _breakdown(counts, label, lang: str, order=()) -> str:
    keys = [k for k in order if counts.get(k)] + sorted(k for k in counts if k not in order)
    return " · ".join(f"{label(k, lang)} {counts[k]}" for k in keys if counts[k]) or "—"


def report_text(k: kpi.Kpis, lang: str) -> str:
    """The report as Telegram HTML (plain enough for a terminal after `text.plain`)."""
    lines = [
        t(lang, "📊 <b>Service report {month}</b>", month=str(k.month)),
        "",
        t(lang, "<b>Tickets opened: {n}</b>", n=k.opened),
        "  " + _breakdown(k.opened_by_kind, kind_label, lang, KIND_ORDER),
        "  " + _breakdown(k.opened_by_category, category_label, lang),
        t(lang, "<b>Tickets resolved: {n}</b>", n=k.resolved),
        "  " + _breakdown(k.resolved_by_kind, kind_label, lang, KIND_ORDER),
        "  " + _breakdown(k.resolved_by_category, category_label, lang),
        "",
        tn(
            lang,
            "First staff response ({n} ticket): median {p50}, 90th percentile {p90}",
            "First staff response ({n} tickets): median {p50}, 90th percentile {p90}",
            k.first_response.count,
            p50=duration(k.first_response.p50, lang),
            p90=duration(k.first_response.p90, lang),
        ),
        tn(
            lang,
            "Resolution ({n} ticket): median {p50}, 90th percentile {p90}",
            "Resolution ({n} tickets): median {p50}, 90th percentile {p90}",
            k.resolution.count,
            p50=duration(k.resolution.p50, lang),
            p90=duration(k.resolution.p90, lang),
        ),
        "",
        t(lang, "Callback (survey) completion: {rate}", rate=percent(k.survey_completion)),
        t(lang, "Satisfaction (ratings 4-5): {rate}", rate=percent(k.satisfaction)),
        t(lang, "Complaint resolution: {rate}", rate=percent(k.complaint_resolution)),
        t(
            lang,
            "First-contact resolution (FAQ): {rate}",
            rate=percent(k.first_contact_resolution),
        ),
    ]
    shown = ", ".join(f"#{n}" for n in k.overdue[:OVERDUE_SHOWN])
    if len(k.overdue) > OVERDUE_SHOWN:
        shown += " …"
    lines.append(
        t(
            lang,
            "Overdue at {when}: {n}",
            when=local_time(k.as_of, k.timezone, "%Y-%m-%d %H:%M"),
            n=len(k.overdue),
        )
        + (f" ({shown})" if shown else "")
    )
    return "\n".join(lines)


def monthly_report(
    session: Session,
    month: kpi.Month | str | None,
    config: DeskConfig,
    *,
    now: datetime | None = None,
    chart: bool = True,
    compound_id: str | None = None,
) -> Outcome:
    """The month's report for the staff chat: one message, then the chart as a photo.

    `month` None means the last full month; `compound_id` limits it to one compound's
    tickets (None: every compound). For the scheduler: call it on the
    first working day at 09:30 and send the Outcome through the outbound path.
    """
    now = now or utcnow()
    if month is None:
        month = kpi.Month.previous(now, config.timezone)
    elif isinstance(month, str):
        month = kpi.Month.parse(month)
    figures = kpi.compute(session, month, config=config, now=now, compound_id=compound_id)
    image = None
    if chart:
        from handlers.report_chart import render_png  # matplotlib loads only when needed

        image = render_png(figures, lang=config.language, font=config.chart_font)
    return Outcome(staff=[StaffNotice(text=report_text(figures, config.language), image=image)])


def company_summary(
    session: Session, month: kpi.Month, config: DeskConfig, *, now: datetime
) -> str:
    """The company's table of compounds for a month (Telegram HTML, a <pre> block):
    tickets opened, 回访率 (callback completion), 满意率 (ratings 4-5), 投诉解决率
    (complaints resolved), and first-response and resolution p50/p90, one row per
    compound and one for the whole company; handlers/kpi.py defines each figure."""
    lang = config.language
    rows = [
        (c.id, kpi.compute(session, month, config=config, now=now, compound_id=c.id))
        for c in config.compounds
    ]
    rows.append((t(lang, "Company"), kpi.compute(session, month, config=config, now=now)))
    header = (
        t(lang, "compound"),
        t(lang, "tickets"),
        t(lang, "callback"),
        t(lang, "satisfied"),
        t(lang, "complaints"),
        t(lang, "response p50/p90"),
        t(lang, "resolution p50/p90"),
    )
    table = [header] + [
        (
            name,
            str(k.opened),
            _share(k.survey_completion),
            _share(k.satisfaction),
            _share(k.complaint_resolution),
            f"{duration(k.first_response.p50, lang)}/{duration(k.first_response.p90, lang)}",
            f"{duration(k.resolution.p50, lang)}/{duration(k.resolution.p90, lang)}",
        )
        for name, k in rows
    ]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(
            set_cell_size(cell, width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in table
    ]
    title = t(lang, "🏢 <b>Company summary {month}</b>", month=str(month))
    return title + "\n<pre>" + esc("\n".join(lines)) + "</pre>"


def _share(rate: kpi.Rate) -> str:
    return "—" if rate.value is None else f"{rate.value * 100:.0f}%"


REPORT_TIME = time(9, 30)
REPORT_KEY = "report:"  # the outbox key of a scheduled report: report:YYYY-MM


def first_working_day(year: int, month: int, is_working_day: Callable[[date], bool]) -> date:
    """The first working day of the month (`Calendar.is_working_day`: a make-up
    Sunday such as 4 January 2026 counts)."""
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def report_due(local_now: datetime, is_working_day: Callable[[date], bool]) -> kpi.Month | None:
    """The month whose report is due at this local moment: the last full month, from
    09:30 on the first working day; None on any other day."""
    today = local_now.date()
    if today != first_working_day(today.year, today.month, is_working_day):
        return None
    if local_now.time() < REPORT_TIME:
        return None
    return kpi.Month(today.year, today.month).shift(-1)


def post_due(
    session: Session, *, calendars: Calendars, config: DeskConfig, now: datetime
) -> Outcome:
    """Last month's report in each compound's staff group, with its chart under it, from
    09:30 on the compound's first working day (its time zone), and the company summary in
    the company chat on the deployment's, once. The outbox key makes it once per chat,
    across restarts too; a day missed while the service was down is not made up
    (`/report` gives it any time)."""
    outcome = Outcome()
    for compound_id, chat in compounds.staff_chats(config):
        calendar = calendars.of(compound_id) if compound_id else calendars.default
        month = _due(session, calendar, chat, now)
        if month is not None:
            from handlers.report_chart import render_png  # matplotlib: only when one is due

            figures = kpi.compute(session, month, config=config, now=now, compound_id=compound_id)
            image = render_png(figures, lang=config.language, font=config.chart_font)
            text = report_text(figures, config.language)
            outcome.staff.append(_notice(text, chat, month, calendar, now, image))
    company = config.company_chat_id
    month = _due(session, calendars.default, company, now) if company is not None else None
    if month is not None:
        text = company_summary(session, month, config, now=now)
        outcome.staff.append(_notice(text, company, month, calendars.default, now))
    return outcome


def _due(session: Session, calendar: Calendar, chat: int, now: datetime) -> kpi.Month | None:
    """The month whose report `chat` is due now by `calendar`; None when none is, or when
    it has been queued already."""
    month = report_due(calendar.local(now), calendar.is_working_day)
    if month is None:
        return None
    done = {row.address for row in outbox.for_key(session, f"{REPORT_KEY}{month}")}
    return None if str(chat) in done else month


def _notice(
    text: str,
    chat: int,
    month: kpi.Month,
    calendar: Calendar,
    now: datetime,
    image: bytes | None = None,
) -> StaffNotice:
    """A report for `chat`, expiring unsent at the end of its local day."""
    return StaffNotice(
        text,
        image=image,
        chat_id=chat,
        key=f"{REPORT_KEY}{month}",
        priority=outbox.SCHEDULED,
        expires_at=calendar.next_midnight(now),
    )
