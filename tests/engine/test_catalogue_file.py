"""Import and export, CSV and XLSX: a good file imports; a file with problems names each
row and column and changes nothing; what is exported imports back."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from engine.data import catalogue
from engine.data.catalogue_file import (
    COLUMNS,
    ImportRefused,
    export_rows,
    import_rows,
    read_file,
    to_csv,
    to_xlsx,
)
from engine.errors import InvalidInput, PermissionDenied
from engine.models import Resource, ResourceChange
from engine.people.users import get_user
from tests.data_factories import entry, registered


@pytest.fixture
def db(jtflow):  # type: ignore[no-untyped-def]
    registered(jtflow)
    with jtflow.sessions() as session:
        yield session


def row(**changes):  # type: ignore[no-untyped-def]
    values = entry(**changes)
    return [
        values["category"],
        values["name"],
        changes.get("provider_unit", "厦门公交集团有限公司"),
        values["data_format"],
        values["attribute"],
        values["update_period"],
        values["share_type"],
        values["share_scope"],
        values["share_modes"],
        values["usage_requirements"],
        values["source_system"],
    ]


def csv_file(rows):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(rows):  # type: ignore[no-untyped-def]
    book = Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts(db):  # type: ignore[no-untyped-def]
    return (
        db.scalar(select(func.count(Resource.id))),
        db.scalar(select(func.count(ResourceChange.id))),
    )


GOOD = [
    COLUMNS,
    row(),
    row(
        name="公交线路及站点",
        category="公共交通实时/线路",
        share_type="无条件共享",
        usage_requirements="",
    ),
    row(name="公交车辆信息", category="transit.vehicle", share_modes="文件下载、在线浏览"),
]


@pytest.mark.parametrize("kind,make", [("csv", csv_file), ("xlsx", xlsx_file)])
def test_a_good_file_imports_as_drafts(db, jtflow, kind, make):  # type: ignore[no-untyped-def]
    result = import_rows(
        db, get_user(db, "bus_data"), jtflow.clock.now(), read_file(make(GOOD), kind)
    )
    db.commit()
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    found = db.scalars(select(Resource).order_by(Resource.name)).all()
    assert {r.provider_unit for r in found} == {"BUS_GROUP"} and {r.status for r in found} == {
        "draft"
    }
    assert next(r for r in found if r.name == "公交车辆信息").share_modes == ["download", "browse"]


@pytest.mark.parametrize("kind,make", [("csv", csv_file), ("xlsx", xlsx_file)])
def test_a_file_with_problems_names_row_and_column_and_changes_nothing(db, jtflow, kind, make):  # type: ignore[no-untyped-def]
    catalogue.create(
        db, get_user(db, "brt_data"), jtflow.clock.now(), entry(name="BRT车辆实时位置")
    )
    db.commit()
    before = counts(db)
    bad = [
        COLUMNS,
        row(name="好的一行"),
        row(name="坏共享类型", share_type="随便"),  # row 3
        row(name="BRT车辆实时位置"),  # row 4: another unit's resource
        row(name="好的一行"),  # row 5: repeats row 2
        row(name="别的单位", provider_unit="交通执法支队"),  # row 6
        row(name="", share_modes="传真"),  # row 7: two problems
    ]
    with pytest.raises(ImportRefused) as refused:
        import_rows(db, get_user(db, "bus_data"), jtflow.clock.now(), read_file(make(bad), kind))
    db.rollback()
    said = [(p.row, p.column) for p in refused.value.problems]
    assert said == [
        (3, "共享类型"),
        (4, "名称"),
        (5, "名称"),
        (6, "提供部门"),
        (7, "名称"),
        (7, "共享方式"),
    ]
    message = str(refused.value)
    assert "第 3 行「共享类型」：请填写 无条件共享、有条件共享、不予共享 之一" in message
    assert "已由厦门轨道集团有限公司（BRT场站公司）登记" in message
    assert "与第 2 行的分类和名称相同" in message
    assert "没有任何改动" in message
    assert counts(db) == before


def test_a_wrong_header_is_named_in_row_one(db, jtflow):  # type: ignore[no-untyped-def]
    header = [c for c in COLUMNS if c != "共享类型"] + ["备注"]
    with pytest.raises(ImportRefused) as refused:
        import_rows(db, get_user(db, "bus_data"), jtflow.clock.now(), [header, ["x"] * len(header)])
    assert [(p.row, p.column) for p in refused.value.problems] == [(1, "共享类型"), (1, "备注")]


def test_only_the_units_administrator_imports_and_files_must_be_readable(db, jtflow):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        import_rows(db, get_user(db, "bus_handler"), jtflow.clock.now(), GOOD)
    with pytest.raises(InvalidInput, match="不是有效的 xlsx"):
        read_file(b"not a zip", "xlsx")
    gbk = "\n".join(",".join(r) for r in GOOD).encode("gb18030")  # Excel on Chinese Windows
    assert read_file(gbk, "csv")[1][1] == "公交车辆实时GPS位置"


@pytest.mark.parametrize("kind,write", [("csv", to_csv), ("xlsx", to_xlsx)])
def test_export_then_import_round_trips(db, jtflow, kind, write):  # type: ignore[no-untyped-def]
    maker = get_user(db, "bus_data")
    import_rows(db, maker, jtflow.clock.now(), GOOD)
    db.commit()
    exported = export_rows(db, maker)
    assert exported[0][:11] == COLUMNS and len(exported) == 4
    assert "厦门公交集团有限公司" in exported[1] and "草稿" in exported[1]
    again = import_rows(db, maker, jtflow.clock.now(), read_file(write(exported), kind))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    exported[1][3] = "XML"  # one format changed in the spreadsheet
    changed = import_rows(db, maker, jtflow.clock.now(), read_file(write(exported), kind))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    db.rollback()
    db.execute(ResourceChange.__table__.delete())
    db.execute(Resource.__table__.delete())
    fresh = import_rows(db, maker, jtflow.clock.now(), read_file(write(exported), kind))
    assert fresh.created == 3


def test_others_export_only_what_they_read(db, jtflow):  # type: ignore[no-untyped-def]
    import_rows(db, get_user(db, "bus_data"), jtflow.clock.now(), GOOD)
    db.commit()
    assert len(export_rows(db, get_user(db, "brt_data"))) == 1  # the header: all are drafts
    assert len(export_rows(db, get_user(db, "auditor"))) == 4
