"""Reports per compound and for the company: the scheduled monthly post (each compound's
report to its own group, the summary table to the company chat) and `propdesk report
--compound ID | --all`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.runtime import desk_config, job_config
from handlers import outbox
from handlers.text import plain
from scheduler.jobs import post_monthly_report
from storage import compounds as compound_store
from storage import tickets as ticket_store
from storage.db import session_scope
from storage.models import Compound, Ticket
from storage.types import UTC

SOUTH_CHAT, NORTH_CHAT, COMPANY_CHAT = -1001000000001, -1002000000002, -1003000000003
OPENED = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def company(runtime, settings):
    """Compound "north" besides the desk's own, with 3 tickets there and 1 at home; one
    north ticket resolved after 30 minutes."""
    settings = settings.model_copy(update={"company_chat_id": COMPANY_CHAT})
    north = Compound(id="north", name_zh="北苑", name_en="North", staff_chat_id=NORTH_CHAT)
    with session_scope(runtime.engine) as session:
        compound_store.save(session, north)
        for n, compound in enumerate(("north", "north", "north", "default")):
            ticket = ticket_store.create(
                session,
                Ticket(
                    compound_id=compound,
                    kind="complaint" if n == 0 else "repair",
                    channel="telegram",
                    chat_id=800 + n,
                    user_id=800 + n,
                    description="x",
                    created_at=OPENED + timedelta(minutes=n),
                ),
            )
            session.flush()
            ticket_store.events(session, ticket.id)[0].at = ticket.created_at
            if n == 0:
                ticket.status = "resolved"
                ticket.first_response_at = ticket.created_at + timedelta(minutes=30)
                ticket_store.add_event(
                    session, ticket, actor="staff", action="resolved", at=ticket.first_response_at
                )
    return settings, desk_config(settings, runtime.faq, runtime.compounds())


def test_the_monthly_post_reports_each_compound_to_its_group_and_the_company_to_its_chat(
    runtime, company
):
    settings, desk = company
    config = job_config(settings, desk)
    due = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 on Tuesday 1 December, Shanghai
    with session_scope(runtime.engine) as session:
        posted = post_monthly_report(session, config, due)
        queued = outbox.write(
            session, posted, staff_channel="telegram", staff_address=SOUTH_CHAT, now=due
        )
        assert queued == 5  # three texts, and a chart under each compound's
        later = post_monthly_report(session, config, due + timedelta(minutes=1))
        assert later.staff == []  # once
    sent = {notice.chat_id: plain(notice.text) for notice in posted.staff}
    assert set(sent) == {SOUTH_CHAT, NORTH_CHAT, COMPANY_CHAT}
    assert [n.image is not None for n in posted.staff] == [True, True, False]
    assert "新建工单：3" in sent[NORTH_CHAT] and "投诉解决率：1/1 = 100%" in sent[NORTH_CHAT]
    assert "新建工单：1" in sent[SOUTH_CHAT] and "投诉解决率：—" in sent[SOUTH_CHAT]
    table = sent[COMPANY_CHAT].splitlines()
    assert "回访率" in table[1] and "满意率" in table[1] and "投诉解决率" in table[1]
    rows = {line.split()[0]: line.split() for line in table[2:]}
    assert rows["north"][1] == "3" and rows["north"][4] == "100%"
    assert rows["north"][5] == "30" and rows["north"][6] == "分钟/30"  # response p50/p90
    assert rows["default"][1] == "1" and rows["default"][4] == "—"
    assert rows["全公司"][1] == "4"


def test_propdesk_report_for_one_compound_and_for_all(runtime, company, monkeypatch):
    from bot.cli import app

    monkeypatch.setenv("PROPDESK_DATABASE_URL", company[0].database_url)
    monkeypatch.setenv("PROPDESK_STAFF_CHAT_ID", str(SOUTH_CHAT))
    cli = CliRunner()
    one = cli.invoke(app, ["report", "--month", "2026-11", "--compound", "north"])
    assert one.exit_code == 0, one.output
    assert "新建工单：3" in one.output
    every = cli.invoke(app, ["report", "--month", "2026-11", "--all"])
    assert every.exit_code == 0, every.output
    assert "== north" in every.output and "== default" in every.output
    company_row = next(line for line in every.output.splitlines() if line.startswith("全公司"))
    assert company_row.split()[1] == "4"
    unknown = cli.invoke(app, ["report", "--compound", "nowhere"])
    assert unknown.exit_code == 2 and "north" in unknown.output
