"""Loading the owner register and bills: files as the office's Excel writes them, bad rows
named by line, all or nothing (or --partial), dry runs, typo checks and move-outs."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from handlers.imports import RowError, import_bills, import_owners
from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Bill, MoveOut, Owner, OwnerUnit

REGISTER = "unit,name,phone\n3-2-502,刘洋,13800138000\n3-2-503,王芳,13900139000\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx(tmp_path: Path, name: str, rows: list[list]) -> Path:
    """An .xlsx written by openpyxl, cells typed as Excel types them."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def flats_of(engine, phone: str) -> list[str]:
    with session_scope(engine) as session:
        owner = owner_store.owner_by_phone(session, phone)
        return [u.code for u in owner_store.units_of(session, owner.id)] if owner else []


def all_bills(engine) -> list[tuple]:
    with session_scope(engine) as session:
        rows = session.exec(select(Bill).order_by(Bill.id)).all()
        return [(b.period, b.item, b.amount_fen, b.due_date, b.paid) for b in rows]


def test_bad_rows_are_reported_by_line_and_nothing_loads_unless_partial(runtime, tmp_path):
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
    refused = import_owners(runtime.engine, path)
    assert [line for line, _ in refused.errors] == [4, 5, 6, 8]
    assert not refused.written
    assert flats_of(runtime.engine, "+8613800138000") == []  # all or nothing

    report = import_owners(runtime.engine, path, partial=True)
    assert report.written and report.added == 3
    reasons = dict(report.errors)
    assert "building-entrance-room" in reasons[4]
    assert "name is empty" in reasons[5]
    assert "phone" in reasons[6]
    assert "columns" in reasons[8]
    # an unknown language is a warning and the default language, never a rejected row
    assert [line for line, _ in report.warnings] == [7]
    assert flats_of(runtime.engine, "+8613600136000") == ["3-2-505"]
    assert flats_of(runtime.engine, "+8613900139000") == ["3-2-501"]


def test_reimport_updates_and_never_duplicates(runtime, tmp_path):
    first = write(tmp_path, "a.csv", "unit,name,phone\n3-2-502,刘洋,13800138000\n")
    second = write(
        tmp_path,
        "b.csv",
        "unit,name,phone,language\n3-2-502,刘洋洋,+8613800138000,English\n"
        "5-1-1801,刘洋洋,13800138000,英文\n",
    )
    assert import_owners(runtime.engine, first).added == 1
    assert import_owners(runtime.engine, first).unchanged == 1
    report = import_owners(runtime.engine, second)
    assert (report.added, report.updated) == (0, 2)
    with session_scope(runtime.engine) as session:
        owners = session.exec(select(Owner)).all()
        assert [(o.name, o.language) for o in owners] == [("刘洋洋", "en")]
        assert len(session.exec(select(OwnerUnit)).all()) == 2


def test_a_gbk_csv_with_chinese_headers_as_excel_saves_it(runtime, tmp_path):
    owners = write(
        tmp_path,
        "业主名册.csv",
        "房号,姓名,手机号,语言\r\n"
        "3-2-502,刘洋,138 0013 8000,中文\r\n"
        "3-2-503,王芳,13900139000,英文\r\n",
        encoding="gbk",
    )
    report = import_owners(runtime.engine, owners)
    assert (report.added, report.errors, report.written) == (2, [], True)
    with session_scope(runtime.engine) as session:
        assert owner_store.owner_by_phone(session, "+8613800138000").name == "刘洋"
        assert owner_store.owner_by_phone(session, "+8613900139000").language == "en"

    bills = write(
        tmp_path,
        "账单.csv",
        "房号,账期,项目,金额,截止日期,已缴\r\n"
        '3-2-502,2026年11月,物业费,"￥1,213.35",2026/12/01,否\r\n'
        "3-2-502,2026年第4季度,采暖费,￥４８.６０,2026年12月1日,是\r\n"
        "3-2-503,2026-Q4,停车费,300,2026-12-1,已缴\r\n",
        encoding="gbk",
    )
    report = import_bills(runtime.engine, bills)
    assert (report.added, report.errors) == (3, [])
    assert all_bills(runtime.engine) == [
        ("2026-11", "property_fee", 121335, date(2026, 12, 1), False),
        ("2026-Q4", "heating", 4860, date(2026, 12, 1), True),
        ("2026-Q4", "parking", 30000, date(2026, 12, 1), True),
    ]


def test_utf8_with_bom_and_a_named_encoding(runtime, tmp_path):
    bom = write(tmp_path, "bom.csv", "\ufeff单元,name,电话\n3-2-502,刘洋,13800138000\n")
    assert import_owners(runtime.engine, bom).added == 1
    big5 = write(tmp_path, "big5.csv", "unit,name,phone\n3-2-503,陳大文,13900139000\n", "big5")
    assert import_owners(runtime.engine, big5, encoding="big5").added == 1
    with session_scope(runtime.engine) as session:
        assert owner_store.owner_by_phone(session, "+8613900139000").name == "陳大文"


def test_an_xlsx_with_chinese_headers_excel_dates_numbers_and_serials(runtime, tmp_path):
    register = xlsx(
        tmp_path,
        "owners.xlsx",
        [["房号", "姓名", "手机"], ["3-2-502", "刘洋", 13800138000], [None, None, None]],
    )
    assert import_owners(runtime.engine, register).added == 1
    bills = xlsx(
        tmp_path,
        "bills.xlsx",
        [
            ["房号", "账期", "项目", "金额", "到期日", "是否缴费"],
            # Excel turns a typed 2026-11 into a date, amounts into numbers
            ["3-2-502", datetime(2026, 11, 1), "水费", 48.6, datetime(2026, 12, 1), "否"],
            ["3-2-502", "2026-Q4", "电费", 1213.35, 46357, True],  # 46357: a serial day
            ["3-2-502", "2026-Q4", "Parking", "¥756.00", "2026-12-01", 0],
        ],
    )
    report = import_bills(runtime.engine, bills)
    assert (report.added, report.errors) == (3, [])
    assert all_bills(runtime.engine) == [
        ("2026-11", "water", 4860, date(2026, 12, 1), False),
        ("2026-Q4", "electricity", 121335, date(2026, 12, 1), True),
        ("2026-Q4", "parking", 75600, date(2026, 12, 1), False),
    ]


def test_bill_values_that_are_wrong_are_named_by_line(runtime, tmp_path):
    import_owners(runtime.engine, write(tmp_path, "o.csv", REGISTER))
    path = write(
        tmp_path,
        "bills.csv",
        "unit,period,item,amount,due_date,paid\n"
        "3-2-502,2026-Q4,property_fee,756.00,2026-12-01,false\n"
        "3-2-502,2026-10,gas,10,2026-11-10,false\n"
        "3-2-502,2026-10,electricity,ten,2026-11-10,false\n"
        "3-2-502,2026-10,heating,10.001,2026-11-10,false\n"
        "3-2-502,2026-10,parking,300,30/11/2026,false\n"
        "3-2-502,2026-10,other,1,2026-11-10,maybe\n"
        "3-2-502,十一月,water,1,2026-11-10,true\n"
        "9-9-909,2026-10,water,1,2026-11-10,true\n",
    )
    report = import_bills(runtime.engine, path, partial=True)
    assert report.added == 1
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    reasons = dict(report.errors)
    assert reasons[3].startswith("item") and reasons[6].startswith("due_date")
    assert "period" in reasons[8]
    assert "not in the owner register" in reasons[9]  # a typo never creates a flat


def test_a_new_flat_with_allow_new_units_and_upserts_by_unit_period_item(runtime, tmp_path):
    line = (
        "unit,period,item,amount,due_date,paid\n9-9-909,2026-Q4,property_fee,756,2026-12-01,{}\n"
    )
    assert import_bills(runtime.engine, write(tmp_path, "a.csv", line.format("false"))).errors
    first = import_bills(
        runtime.engine, write(tmp_path, "a.csv", line.format("false")), allow_new_units=True
    )
    assert first.added == 1
    again = import_bills(runtime.engine, write(tmp_path, "b.csv", line.format("是")))
    assert (again.added, again.updated, again.errors) == (0, 1, [])
    assert all_bills(runtime.engine) == [
        ("2026-Q4", "property_fee", 75600, date(2026, 12, 1), True)
    ]


def test_a_dry_run_counts_and_writes_nothing(runtime, tmp_path):
    import_owners(runtime.engine, write(tmp_path, "o.csv", REGISTER))
    new = write(
        tmp_path,
        "new.csv",
        "unit,name,phone\n3-2-502,刘洋,13800138000\n3-2-503,张三,13700137000\n"
        "5-1-101,李四,13600136000\nbad,x,1\n",
    )
    report = import_owners(runtime.engine, new, replace=True, dry_run=True, partial=True)
    assert (report.added, report.unchanged, report.removed, len(report.errors)) == (2, 1, 1, 1)
    assert not report.written
    assert flats_of(runtime.engine, "+8613900139000") == ["3-2-503"]
    assert flats_of(runtime.engine, "+8613700137000") == []


def test_replace_moves_out_owners_no_longer_listed_for_the_flats_in_the_file(runtime, tmp_path):
    import_owners(
        runtime.engine,
        write(
            tmp_path, "o.csv", REGISTER + "3-2-504,赵六,13600136000\n5-1-101,刘洋,13800138000\n"
        ),
    )
    sold = write(tmp_path, "sold.csv", "unit,name,phone\n3-2-503,张三,13700137000\n")
    report = import_owners(runtime.engine, sold, replace=True)
    assert (report.added, report.removed) == (1, 1)
    assert flats_of(runtime.engine, "+8613900139000") == []  # 王芳 sold 3-2-503
    assert flats_of(runtime.engine, "+8613700137000") == ["3-2-503"]
    # flats the file does not list keep their owners
    assert flats_of(runtime.engine, "+8613800138000") == ["3-2-502", "5-1-101"]
    assert flats_of(runtime.engine, "+8613600136000") == ["3-2-504"]
    with session_scope(runtime.engine) as session:
        assert owner_store.owner_by_phone(session, "+8613900139000") is not None  # history
        assert len(session.exec(select(MoveOut)).all()) == 1


def test_a_file_without_the_columns_is_refused_whole(runtime, tmp_path):
    path = write(tmp_path, "x.csv", "flat,who\n3-2-502,刘洋\n")
    with pytest.raises(RowError, match="line 1"):
        import_owners(runtime.engine, path)


def test_paid_bills_stay_listed(runtime, tmp_path):
    import_owners(runtime.engine, write(tmp_path, "o.csv", REGISTER))
    bills = write(
        tmp_path,
        "b.csv",
        "unit,period,item,amount,due_date,paid\n3-2-502,2026-10,water,48.6,2026-11-10,1\n",
    )
    import_bills(runtime.engine, bills)
    with session_scope(runtime.engine) as session:
        unit = owner_store.unit_by_code(session, "3-2-502")
        assert [b.paid for b in bill_store.for_units(session, [unit.id])] == [True]


def test_excel_formula_amounts_are_rounded_to_the_fen_but_typed_decimals_are_not(
    runtime, tmp_path
):
    """=ROUND-less formulas give 205.84999999999997 (Excel shows 205.85): one such cell
    must not block the whole file; a third decimal typed by hand is still a typo."""
    import_owners(runtime.engine, write(tmp_path, "o.csv", REGISTER))
    bills = xlsx(
        tmp_path,
        "bills.xlsx",
        [
            ["房号", "账期", "项目", "金额", "到期日", "已缴"],
            ["3-2-502", "2026-11", "水费", 205.84999999999997, "2026-12-01", "否"],
            ["3-2-502", "2026-11", "电费", 0.1 + 0.2, "2026-12-01", "否"],  # 0.30000000000000004
            ["3-2-503", "2026-11", "水费", 48.60000000000001, "2026-12-01", "否"],
            ["3-2-503", "2026-11", "电费", "12.345", "2026-12-01", "否"],
        ],
    )
    report = import_bills(runtime.engine, bills, partial=True)
    assert report.added == 3
    assert [line for line, _ in report.errors] == [5]
    assert "at most 2 decimals" in report.errors[0][1]
    amounts = sorted(fen for _, _, fen, _, _ in all_bills(runtime.engine))
    assert amounts == [30, 4860, 20585]


def test_an_older_register_does_not_undo_a_move_out_unless_replace(runtime, tmp_path):
    old = write(tmp_path, "old.csv", REGISTER)
    import_owners(runtime.engine, old)
    sold = write(tmp_path, "sold.csv", "unit,name,phone\n3-2-503,张三,13700137000\n")
    import_owners(runtime.engine, sold, replace=True)  # 王芳 sold 3-2-503

    again = import_owners(runtime.engine, old)  # last year's file, by habit
    assert again.written and again.unchanged == 1
    assert [line for line, _ in again.warnings] == [3]
    assert "王芳 moved out of 3-2-503" in again.warnings[0][1]
    assert flats_of(runtime.engine, "+8613900139000") == []

    authoritative = import_owners(runtime.engine, old, replace=True)
    assert authoritative.warnings == []
    assert flats_of(runtime.engine, "+8613900139000") == ["3-2-503"]


def test_one_phone_with_two_names_in_a_file_is_reported_with_both_lines(runtime, tmp_path):
    path = write(
        tmp_path,
        "owners.csv",
        "unit,name,phone\n3-2-502,刘洋,13800138000\n5-1-101,刘洋,13800138000\n"
        "3-2-503,王芳,13800138000\n",
    )
    refused = import_owners(runtime.engine, path)
    assert not refused.written
    assert [line for line, _ in refused.errors] == [4]
    assert "is 刘洋 on line 2 but 王芳 here" in refused.errors[0][1]
    loaded = import_owners(runtime.engine, path, partial=True)
    with session_scope(runtime.engine) as session:
        assert [o.name for o in session.exec(select(Owner))] == ["刘洋"]
    assert loaded.added == 1 and flats_of(runtime.engine, "+8613800138000") == [
        "3-2-502",
        "5-1-101",
    ]


def test_a_title_row_above_the_header_and_the_first_sheet_that_has_it(runtime, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由客服中心维护，请勿修改表头"])
    sheet = book.create_sheet("业主名册")
    sheet.append(["翠湖苑业主名册（2026年11月）"])
    sheet.append([])
    sheet.append(["房号", "姓名", "手机号"])
    sheet.append(["3-2-502", "刘洋", "13800138000"])
    sheet.append(["3-2-503", "王芳", "abc"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    report = import_owners(runtime.engine, path, partial=True)
    assert report.added == 1
    assert [line for line, _ in report.errors] == [5]  # the sheet's own line numbers
    assert flats_of(runtime.engine, "+8613800138000") == ["3-2-502"]


def test_excel_unicode_text_utf16_tab_separated_is_read(runtime, tmp_path):
    text = (
        "房号\t姓名\t手机号\r\n3-2-502\t刘洋\t13800138000\r\n3-2-503\t王芳, 女士\t13900139000\r\n"
    )
    path = tmp_path / "owners.txt"
    path.write_bytes(text.encode("utf-16"))  # with the BOM, as Excel saves it
    report = import_owners(runtime.engine, path)
    assert (report.added, report.errors) == (2, [])
    assert flats_of(runtime.engine, "+8613900139000") == ["3-2-503"]
