"""Engine errors are read by people: the rules a message cites stay with the error
(`rules`), out of the words shown (issue 16: names, not codes or rule IDs)."""

from __future__ import annotations

import pytest

from engine.errors import CaseArchived, InvalidInput, PermissionDenied


@pytest.mark.parametrize(
    ("written", "shown", "rules"),
    [
        ("任务 3 不是本单位的工作，无权操作（S1）", "任务 3 不是本单位的工作，无权操作", ("S1",)),
        (
            "授权已撤销（D6、M4）：请重新申请（D3, D4）",
            "授权已撤销：请重新申请",
            ("D6", "M4", "D3", "D4"),
        ),
        ("案件已归档，不能再更改 (E13)", "案件已归档，不能再更改", ("E13",)),
        ("第（2）项有误（见说明）", "第（2）项有误（见说明）", ()),  # not a citation
    ],
)
def test_a_message_is_shown_without_its_citations(
    written: str, shown: str, rules: tuple[str, ...]
) -> None:
    error = PermissionDenied(written)
    assert (str(error), error.rules) == (shown, rules)


def test_subclasses_keep_their_own_fields() -> None:
    invalid = InvalidInput("表单有误（E8）", [])
    assert (str(invalid), invalid.rules, invalid.errors) == ("表单有误", ("E8",), [])
    assert str(CaseArchived("不能再更改（E13）")) == "不能再更改"
