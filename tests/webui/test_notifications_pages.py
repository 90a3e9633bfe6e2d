"""Issue 16: the bell in the header, the notifications page, the bell's look and the
digest setting — one's own notifications only."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Notification
from tests.factories import report, step
from tests.webui.pages import post, signed_in_as, text


def note_ids(jtflow, username):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(
            session.scalars(select(Notification.id).where(Notification.username == username))
        )


def test_the_bell_counts_and_the_page_lists_and_opens_them(client, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    signed_in_as(client, "transport_handler")
    inbox = text(client.get("/"))
    assert 'id="nav-bell"' in inbox and 'id="bell-count" class="count">1<' in inbox
    page = text(client.get("/notifications"))
    assert "新待办" in page and "签收" in page and case.case_no in page
    [note_id] = note_ids(jtflow, "transport_handler")
    opened = client.get(f"/notifications/{note_id}")
    assert opened.status_code == 302 and "/tasks/" in opened.headers["Location"]
    assert 'id="bell-count" class="count none">0<' in text(client.get("/"))


def test_mark_all_read(client, jtflow):
    for _ in range(3):
        report(jtflow)
    signed_in_as(client, "c_12328")
    assert "未读（3）" in text(client.get("/notifications"))
    post(client, "/notifications/read-all")
    assert "未读（0）" in text(client.get("/notifications"))


def test_anothers_notification_cannot_be_marked_or_seen(client, jtflow):
    report(jtflow)
    [theirs] = note_ids(jtflow, "c_12328")
    signed_in_as(client, "transport_handler")
    assert post(client, f"/notifications/{theirs}/read").status_code == 404
    assert client.get(f"/notifications/{theirs}").status_code == 404
    assert "分类转办" not in text(client.get("/notifications"))
    with jtflow.sessions() as session:
        assert session.get(Notification, theirs).read_at is None


def test_the_look_answers_one_event_with_what_is_new(client, jtflow):
    report(jtflow)
    signed_in_as(client, "c_12328")
    answer = client.get("/notifications/look?after=0")
    assert answer.mimetype == "text/event-stream"
    body = text(answer)
    assert body.startswith("retry: 15000\n") and "event: notes" in body and "分类转办" in body
    [note_id] = note_ids(jtflow, "c_12328")
    again = text(client.get("/notifications/look", headers={"Last-Event-ID": str(note_id)}))
    assert '"items":[]' in again and '"unread":1' in again


def test_signed_out_the_look_is_refused(client):
    assert client.get("/notifications/look").status_code == 401


def test_the_digest_setting_is_kept_and_a_bad_time_said(client, jtflow):
    signed_in_as(client, "c_12328")
    post(
        client, "/notifications/digest", {"digest": "daily", "digest_at": "07:45", "channel": "sms"}
    )
    page = text(client.get("/notifications"))
    assert 'value="07:45"' in page and '<option value="sms" selected>' in page
    refused = post(
        client,
        "/notifications/digest",
        {"digest": "daily", "digest_at": "7 点", "channel": "sms"},
        follow_redirects=True,
    )
    assert "HH:MM" in text(refused)
    post(client, "/notifications/digest", {"digest": "off", "digest_at": "07:45", "channel": "sms"})
    assert 'name="digest" value="off" checked' in text(client.get("/notifications"))


def test_the_page_and_bell_in_english(client, jtflow):
    report(jtflow)
    signed_in_as(client, "c_12328")
    page = text(client.get("/notifications?lang=en"))
    assert "Daily digest" in page and "New task" in page and "Mark all read" in page
    assert "Classify and transfer" in page  # the step by its name, in English
