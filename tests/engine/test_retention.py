"""Retention (O4, standard 第三节3): static data kept for ever, dynamic at least a year, audio
and video at least three months; removed only on an administrator's apply, never while a
running case, a live grant or an open audit hold needs it, and each removal on record so the
chain still verifies and the case still replays."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.demo import actor_for, answer_for
from engine.errors import PermissionDenied
from engine.models import (
    AccessLog,
    Attachment,
    Base,
    Grant,
    Instance,
    Notification,
    NotificationDigest,
    SignInFailures,
    TrialRun,
    User,
)
from engine.record.attachments import AttachmentStore, upload
from engine.record.audit import verify
from engine.record.retention import (
    apply,
    lift_hold,
    minimum_until,
    months_before,
    place_hold,
    plan,
    unclassed,
)
from engine.replay import replay_case
from engine.time.clock import SHANGHAI
from tests.factories import open_tasks, report

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200)


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


def user(jtflow, username: str) -> User:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        found = session.scalar(select(User).where(User.username == username))
        assert found is not None
        session.expunge(found)
        return found


def photo(jtflow, store, by: str, content: bytes = JPEG) -> int:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        made = upload(
            session,
            store,
            name="现场.jpg",
            content=content,
            kind="photo",
            by=by,
            now=jtflow.clock.now(),
        )
        session.commit()
        return made.id


def case_with_photo(jtflow, store, *, until: str | None = None, content: bytes = JPEG):  # type: ignore[no-untyped-def]
    """A case whose reply carries a photo of the site, worked to its end (or to `until`)."""
    case = report(jtflow)
    while tasks := open_tasks(jtflow, case):
        task = tasks[0]
        if task.element_id == until:
            break
        answer = answer_for(task.element_id, task.unit_code)
        if task.element_id == "handle_reply":
            taken = photo(jtflow, store, actor_for(task), content)
            answer = {**answer, "photo": {"attachment_id": taken}}
        jtflow.complete(task.id, answer, actor_for(task))
    return case


def attachment_of(jtflow, case) -> Attachment:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        found = session.scalar(select(Attachment).where(Attachment.instance_id == case.case_id))
        assert found is not None
        return found


def test_the_classes_minimums_in_calendar_months_in_xiamen() -> None:
    march_31 = datetime(2027, 3, 31, 10, 0, tzinfo=SHANGHAI)
    assert minimum_until(march_31, "media") == datetime(2027, 6, 30, 10, 0, tzinfo=SHANGHAI)
    assert minimum_until(march_31, "dynamic") == datetime(2028, 3, 31, 10, 0, tzinfo=SHANGHAI)
    leap = datetime(2028, 2, 29, 9, 0, tzinfo=SHANGHAI)
    assert minimum_until(leap, "dynamic") == datetime(2029, 2, 28, 9, 0, tzinfo=SHANGHAI)
    assert minimum_until(march_31, "static") is None
    # and back: the latest instant a year's minimum has passed by, never a day early
    assert months_before(march_31, 1) == datetime(2027, 2, 28, 10, 0, tzinfo=SHANGHAI)
    assert minimum_until(months_before(leap, 12), "dynamic") == datetime(
        2028, 2, 28, 9, 0, tzinfo=SHANGHAI
    )


def test_every_table_has_a_retention_class() -> None:
    assert unclassed(Base.metadata.tables) == []


def test_a_photo_is_removable_just_after_three_months_not_before(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, store)
    uploaded = attachment_of(jtflow, case).uploaded_at
    minimum = minimum_until(uploaded, "media")
    assert minimum is not None and minimum.astimezone(SHANGHAI).date() == date(2026, 12, 28)
    clock.set(minimum - timedelta(seconds=1))
    with jtflow.sessions() as session:
        assert plan(session, jtflow.clock.now()).items == []
    clock.set(minimum + timedelta(seconds=1))
    with jtflow.sessions() as session:
        (item,) = plan(session, jtflow.clock.now()).removable
    assert (item.kind, item.retention, item.case_id) == ("attachment", "media", case.case_id)
    assert "现场.jpg" in item.label and case.case_no in item.label


def test_apply_removes_the_file_on_record_and_the_case_still_verifies_and_replays(  # type: ignore[no-untyped-def]
    jtflow, store, clock
):
    case = case_with_photo(jtflow, store)
    attachment = attachment_of(jtflow, case)
    assert store.path_of(attachment.sha256).exists()
    clock.advance(days=100)
    with jtflow.sessions() as session:
        done = apply(session, store, user(jtflow, "admin"), jtflow.clock.now())
    assert [item.id for item in done.removed] == [attachment.id] and done.files_deleted == 1
    assert not store.path_of(attachment.sha256).exists()
    removed = attachment_of(jtflow, case)  # the row stays, with who removed it and why
    assert removed.removed_by == "admin" and "音视频信息" in (removed.removal_reason or "")
    event = jtflow.history(case.case_no)[-1]
    assert event.kind == "attachment_removed" and event.actor == "admin"
    assert event.data["sha256"] == attachment.sha256
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
        assert plan(session, jtflow.clock.now()).items == []  # nothing removed twice
    replayed = replay_case(jtflow, case.case_no)
    assert replayed.divergence is None
    (said,) = replayed.removed_files
    assert "现场.jpg" in said and "按保存期限删除" in said


def test_nothing_is_removed_for_someone_not_an_administrator(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, store)
    clock.advance(days=100)
    with jtflow.sessions() as session, pytest.raises(PermissionDenied):
        apply(session, store, user(jtflow, "auditor"), jtflow.clock.now())
    assert attachment_of(jtflow, case).removed_at is None
    assert store.path_of(attachment_of(jtflow, case).sha256).exists()


def test_a_running_cases_photo_is_kept_and_says_why(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case_with_photo(jtflow, store, until="archive")
    clock.advance(days=100)
    with jtflow.sessions() as session:
        made = plan(session, jtflow.clock.now())
    assert made.removable == [] and [i.kept_because for i in made.kept] == ["所属案件仍在办理"]


def test_an_audit_hold_keeps_a_case_until_it_is_lifted(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, store)
    clock.advance(days=100)
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        with pytest.raises(PermissionDenied):
            place_hold(session, user(jtflow, "bus_handler"), instance, "审计", jtflow.clock.now())
        hold = place_hold(
            session, user(jtflow, "auditor"), instance, "2027 年专项审计", clock.now()
        )
        session.commit()
        made = apply(session, store, user(jtflow, "admin"), jtflow.clock.now())
        assert made.removed == []
        (kept,) = plan(session, jtflow.clock.now()).kept
        assert kept.kept_because == "审计保全中：2027 年专项审计"
        lift_hold(session, user(jtflow, "auditor"), hold.id, jtflow.clock.now())
        session.commit()
        assert len(plan(session, jtflow.clock.now()).removable) == 1


def test_a_file_a_live_grant_needs_is_kept(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, store)
    with jtflow.sessions() as session:  # as if the case had granted data (D6)
        session.add(
            Grant(
                resource_id=_a_resource(jtflow),
                instance_id=case.case_id,
                grantee="HIGHWAY_DEV",
                purpose="p",
                scope="s",
                service_mode="download",
                data_items=[],
                granted_at=clock.now(),
                granted_by="center",
            )
        )
        session.commit()
    clock.advance(days=100)
    with jtflow.sessions() as session:
        (kept,) = plan(session, jtflow.clock.now()).kept
    assert kept.kept_because is not None and kept.kept_because.startswith("授权")


def _a_resource(jtflow) -> int:  # type: ignore[no-untyped-def]
    from tests.factories import resource

    return resource(jtflow)


def test_a_file_another_row_still_keeps_is_not_deleted(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, store)
    photo(jtflow, store, "bus_handler")  # the same picture uploaded again, later
    clock.advance(days=100)
    sha256 = attachment_of(jtflow, case).sha256
    uploaded_again = clock.now() - timedelta(days=1)
    with jtflow.sessions() as session:  # the second upload is young: kept
        second = session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
        assert second is not None and second.instance_id is None
        second.uploaded_at = uploaded_again
        session.commit()
        done = apply(session, store, user(jtflow, "admin"), jtflow.clock.now())
    assert len(done.removed) == 1 and done.files_deleted == 0
    assert store.path_of(sha256).exists()


def test_static_files_are_never_listed(jtflow, store, clock):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        upload(
            session,
            store,
            name="承诺书.jpg",
            content=JPEG,
            kind="confidentiality",
            by="bus_handler",
            now=clock.now(),
        )
        session.commit()
    clock.advance(days=3650)
    with jtflow.sessions() as session:
        assert plan(session, jtflow.clock.now()).items == []


def test_dynamic_rows_go_after_a_year_and_the_access_log_says_so(jtflow, store, clock):  # type: ignore[no-untyped-def]
    start = clock.now()
    with jtflow.sessions() as session:
        session.add(
            TrialRun(
                process_id="event_lifecycle",
                author="owner",
                started_at=start,
                finished_at=start,
                total=0,
                results=[],
            )
        )
        session.add(
            SignInFailures(
                username="x", client_address="10.0.0.1", failures=3, last_failed_at=start
            )
        )
        session.commit()
    clock.set(start + timedelta(days=364))
    with jtflow.sessions() as session:
        assert plan(session, jtflow.clock.now()).items == []
    clock.set(start + timedelta(days=366))
    with jtflow.sessions() as session:
        done = apply(session, store, user(jtflow, "admin"), jtflow.clock.now())
        assert sorted(item.kind for item in done.removed) == ["sign_in_failure", "trial_run"]
        assert session.scalar(select(TrialRun)) is None
        logged = session.scalars(
            select(AccessLog.target_kind).where(AccessLog.action == "retention_remove")
        ).all()
    assert sorted(logged) == ["sign_in_failure", "trial_run"]


def test_notifications_and_digests_go_a_year_on_as_one_batch(jtflow, store, clock):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    start = clock.now()
    with jtflow.sessions() as session:
        told = len(session.scalars(select(Notification.id)).all())  # by the report's step
        for days in (0, 10, 200):  # two of them a year old by the end, one not
            session.add(
                Notification(
                    username="bus_handler",
                    at=start + timedelta(days=days),
                    kind="task",
                    instance_id=case.case_id,
                    step_name="签收",
                )
            )
        session.add(
            NotificationDigest(
                username="bus_handler",
                day="2026-09-28",
                at=start,
                channel="email",
                items=1,
                delivered=False,
                outcome="未发送：未配置发送服务",
                made_by="worker",
            )
        )
        session.commit()
    clock.set(start + timedelta(days=380))
    with jtflow.sessions() as session:
        batches = {item.kind: item for item in plan(session, jtflow.clock.now()).removable}
        assert batches["notification"].count == told + 2
        assert batches["notification_digest"].count == 1
        apply(session, store, user(jtflow, "admin"), jtflow.clock.now())
        left = session.scalars(select(Notification.at)).all()
        assert [(at - start).days for at in left] == [200]
        assert session.scalar(select(NotificationDigest)) is None
