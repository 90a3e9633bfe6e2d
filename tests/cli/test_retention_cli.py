"""`jtflow retention`: a dry run by default; --execute removes, each removal said (O4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.config import Settings, attachment_store
from engine.models import Attachment
from tests.engine.test_retention import attachment_of, case_with_photo


def test_plan_lists_and_apply_is_a_dry_run_until_executed(cli, jtflow, db_url):  # type: ignore[no-untyped-def]
    store = attachment_store(Settings(database_url=db_url))  # where the command looks
    case = case_with_photo(jtflow, store)
    with jtflow.sessions() as session:  # the command runs on the real clock: the photo is old
        photo = session.get(Attachment, attachment_of(jtflow, case).id)
        photo.uploaded_at = datetime.now(UTC) - timedelta(days=100)
        session.commit()
    planned = cli("retention", "plan")
    assert planned.exit_code == 0, planned.output
    assert "可删除 1 项" in planned.output and "现场.jpg" in planned.output

    dry = cli("retention", "apply", "--as", "admin")
    assert dry.exit_code == 0 and "演练：未删除任何数据" in dry.output
    assert attachment_of(jtflow, case).removed_at is None

    refused = cli("retention", "apply", "--as", "auditor", "--execute")
    assert refused.exit_code == 1 and "管理员" in refused.output
    done = cli("retention", "apply", "--as", "admin", "--execute")
    assert done.exit_code == 0, done.output
    assert "共删除 1 项，删除文件 1 个" in done.output
    assert attachment_of(jtflow, case).removed_at is not None
    assert not store.path_of(attachment_of(jtflow, case).sha256).exists()
    replayed = cli("audit", "replay", case.case_no)
    assert replayed.exit_code == 0, replayed.output
    assert "附件「现场.jpg」已于" in replayed.output and "全部一致" in replayed.output
