"""Loading the owner register and bills: bad rows named by line, good rows load, no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from handlers.imports import RowError, import_bills, import_owners
from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Bill, Owner, OwnerUnit


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_owners_load_with_bad_rows_reported_by_line(runtime, tmp_path):
    path = write(
        tmp_path,
        "owners.csv",
        "unit,name,phone,language\n"
        "3-2-502,刘洋,138 0013 8000,zh\n"
        "3栋2单元501室,王芳,+86-139-0013-9000,\n"
        "nonsense,坏行,13700137000,zh\n"
        "3-2-503,,13700137001,zh\n"
        "3-2-504,赵六,12345,zh\n"
        "3-2-505,Emily,13600136000,fr\n"
        "3-2-506,too,many,columns,here\n",
    )
    report = import_owners(runtime.engine, path)
    assert report.created == 2
    assert [line for line, _ in report.errors] == [4, 5, 6, 7, 8]
    reasons = dict(report.errors)
    assert "building-entrance-room" in reasons[4]
    assert "name is empty" in reasons[5]
    assert "phone" in reasons[6]
    assert "language" in reasons[7]
    assert "columns" in reasons[8]
    with session_scope(runtime.engine) as session:
        wang = owner_store.owner_by_phone(session, "+8613900139000")
        assert [u.code for u in owner_store.units_of(session, wang.id)] == ["3-2-501"]


def test_reimport_updates_and_never_duplicates(runtime, tmp_path):
    first = write(tmp_path, "a.csv", "unit,name,phone\n3-2-502,刘洋,13800138000\n")
    second = write(
        tmp_path,
        "b.csv",
        "unit,name,phone,language\n3-2-502,刘洋洋,+8613800138000,en\n5-1-1801,刘洋洋,13800138000,en\n",
    )
    assert import_owners(runtime.engine, first).created == 1
    report = import_owners(runtime.engine, second)
    assert (report.created, report.updated) == (0, 2)
    with session_scope(runtime.engine) as session:
        owners = session.exec(select(Owner)).all()
        assert [(o.name, o.language) for o in owners] == [("刘洋洋", "en")]
        assert len(session.exec(select(OwnerUnit)).all()) == 2


def test_bills_validate_and_upsert_by_unit_period_item(runtime, tmp_path):
    path = write(
        tmp_path,
        "bills.csv",
        "unit,period,item,amount,due_date,paid\n"
        "3-2-502,2026-Q4,property_fee,756.00,2026-12-01,false\n"
        "3-2-502,2026-10,water,48.6,2026-11-10,true\n"
        "3-2-502,2026-10,gas,10,2026-11-10,false\n"
        "3-2-502,2026-10,electricity,ten,2026-11-10,false\n"
        "3-2-502,2026-10,heating,10.001,2026-11-10,false\n"
        "3-2-502,2026-10,parking,300,30/11/2026,false\n"
        "3-2-502,2026-10,other,1,2026-11-10,maybe\n",
    )
    report = import_bills(runtime.engine, path)
    assert report.created == 2
    assert [line for line, _ in report.errors] == [4, 5, 6, 7, 8]
    paid = write(
        tmp_path,
        "paid.csv",
        "unit,period,item,amount,due_date,paid\n3-2-502,2026-Q4,property_fee,756.00,2026-12-01,true\n",
    )
    assert import_bills(runtime.engine, paid).updated == 1
    with session_scope(runtime.engine) as session:
        unit = owner_store.unit_by_code(session, "3-2-502")
        bills = bill_store.for_units(session, [unit.id])
        assert len(session.exec(select(Bill)).all()) == 2
        assert all(b.paid for b in bills)
        assert sorted(b.amount_fen for b in bills) == [4860, 75600]


def test_a_file_without_the_columns_is_refused_whole(runtime, tmp_path):
    path = write(tmp_path, "x.csv", "flat,who\n3-2-502,刘洋\n")
    with pytest.raises(RowError, match="line 1"):
        import_owners(runtime.engine, path)
