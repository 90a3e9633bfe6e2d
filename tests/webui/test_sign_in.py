"""S1 in the browser's terms: sign in with a CSRF-protected form, session cookies HttpOnly and
SameSite, one answer for every refusal, five failures lock a name from that address only,
sign-out ends the session on the server, pages need a signed-in user, 中文 by default."""

from __future__ import annotations

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from engine.config import PROJECT_ROOT, Settings
from engine.demo import DEMO_PASSWORD
from engine.errors import ConfigurationError
from engine.models import AccessLog
from engine.people.accounts import REFUSED
from webui import create_app

TRANSLATIONS = PROJECT_ROOT / "webui" / "translations" / "en" / "LC_MESSAGES"


def csrf_of(client, path="/login"):  # type: ignore[no-untyped-def]
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, username="c_12328", password=DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_of(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_pages_need_sign_in_and_come_back_after_it(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/login?next=/"
    token = csrf_of(client, response.location)
    response = client.post(
        response.location,
        data={"username": "c_12328", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_inbox_lists_the_users_own_open_tasks(client, jtflow):
    from tests.factories import report

    case = report(jtflow)
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert case.case_no in page and "分类转办" in page and "绿灯" in page


def refusal(response):  # type: ignore[no-untyped-def]
    """The status and the alert of a refused sign-in."""
    alert = re.search(r'<p class="error" role="alert">([^<]*)</p>', response.get_data(as_text=True))
    return response.status_code, alert.group(1) if alert else None


def test_unknown_wrong_and_locked_get_one_answer(client):
    answers = {refusal(sign_in(client, username="nobody"))}
    answers |= {refusal(sign_in(client, password="wrong password")) for _ in range(5)}
    answers.add(refusal(sign_in(client)))  # the right password, but locked from here
    assert answers == {(401, REFUSED)}


def client_at(app, address):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_refusal_reads_in_english_on_english_pages(client):
    client.get("/login?lang=en")
    status, alert = refusal(sign_in(client, password="wrong password"))
    assert status == 401 and alert is not None
    assert alert.startswith("Wrong user name or password") and "wait 15 minutes" in alert


def test_five_failures_lock_a_name_from_that_address_only(app, jtflow):
    attacker = client_at(app, "203.0.113.9")
    for _ in range(7):
        assert sign_in(attacker, password="guess").status_code == 401
    assert sign_in(attacker).status_code == 401
    user = client_at(app, "10.1.1.7")
    assert sign_in(user).status_code == 302
    with jtflow.sessions() as session:
        rows = session.execute(select(AccessLog.action, AccessLog.detail)).all()
    assert set(rows) == {
        ("login_failed", "203.0.113.9"),
        ("login_locked", "203.0.113.9"),
        ("login", "10.1.1.7"),
    }


def test_a_form_without_its_csrf_token_is_refused_and_nobody_signs_in(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"username": "c_12328", "password": DEMO_PASSWORD})
    assert response.status_code in (200, 400)
    assert client.get("/").status_code == 302  # still not signed in


def test_english_is_one_click_away_and_chinese_is_the_default(client):
    sign_in(client)
    assert "待办" in client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Inbox" in english and "待办" not in english
    assert "Inbox" in client.get("/").get_data(as_text=True)  # the choice is remembered


def test_sign_ins_and_refusals_are_in_the_access_log(client, jtflow):
    sign_in(client, password="wrong password")
    sign_in(client)
    with jtflow.sessions() as session:
        rows = session.execute(select(AccessLog.username, AccessLog.action)).all()
    assert rows == [("c_12328", "login_failed"), ("c_12328", "login")]
    with jtflow.sessions() as session:
        assert session.scalars(select(AccessLog.detail)).all() == ["127.0.0.1"] * 2


def test_the_compiled_english_catalogue_matches_its_source():
    """The .mo shipped says exactly what the .po beside it says (`pybabel compile -d
    webui/translations` after editing the .po)."""
    with (
        open(TRANSLATIONS / "messages.po", "rb") as po,
        open(TRANSLATIONS / "messages.mo", "rb") as mo,
    ):
        source, compiled = read_po(po), read_mo(mo)
    assert {m.id: m.string for m in source if m.id} == {m.id: m.string for m in compiled if m.id}


def epoch_of(jtflow, username="c_12328"):  # type: ignore[no-untyped-def]
    from engine.models import User

    with jtflow.sessions() as session:
        return session.scalar(select(User.session_epoch).where(User.username == username))


def test_behind_a_trusted_proxy_failures_count_per_forwarded_address(db_url, jtflow):
    app = create_app(
        Settings(database_url=db_url, trusted_proxies=1), jtflow=jtflow, config={"TESTING": True}
    )
    attacker, user = app.test_client(), app.test_client()
    attacker.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    user.environ_base["HTTP_X_FORWARDED_FOR"] = "10.1.1.7"
    for _ in range(6):
        sign_in(attacker, password="guess")
    assert sign_in(attacker).status_code == 401 and sign_in(user).status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(client):
    """Else whoever is locked out would name another address in the header and go on."""
    for number in range(6):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        sign_in(client, password="guess")
    assert sign_in(client).status_code == 401


@pytest.mark.parametrize("value", ["-1", "two", "11"])
def test_a_bad_proxy_count_says_what_is_expected(value):
    with pytest.raises(
        ConfigurationError, match="JTFLOW_TRUSTED_PROXIES=.* 无效：应为 0–10 的整数"
    ):
        Settings.from_env({"JTFLOW_TRUSTED_PROXIES": value})
    assert Settings.from_env({"JTFLOW_TRUSTED_PROXIES": "2"}).trusted_proxies == 2


def test_signing_in_starts_a_new_session_that_keeps_only_the_language(client, jtflow):
    client.get("/login?lang=en")
    with client.session_transaction() as session:
        session["left_over"] = "from before"
    sign_in(client)
    with client.session_transaction() as session:
        assert dict(session) == {"lang": "en", "username": "c_12328", "epoch": epoch_of(jtflow)}
    assert "Inbox" in client.get("/").get_data(as_text=True)


def test_signing_out_says_so_and_a_link_cannot_put_words_on_the_login_page(client):
    sign_in(client)
    inbox = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', inbox).group(1)
    page = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "已退出登录" in page.get_data(as_text=True)
    assert "crafted" not in client.get("/login?message=crafted").get_data(as_text=True)


def copy_of(client, app):  # type: ignore[no-untyped-def]
    """Another browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def sign_out(client):  # type: ignore[no-untyped-def]
    inbox = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', inbox).group(1)
    return client.post("/logout", data={"csrf_token": token})


def test_a_copied_cookie_stops_working_when_its_user_signs_out(client, app, jtflow):
    sign_in(client)
    thief = copy_of(client, app)
    assert thief.get("/").status_code == 200  # the copy works, as a cookie does
    assert sign_out(client).status_code == 302
    assert thief.get("/").status_code == 302 and client.get("/").status_code == 302
    with jtflow.sessions() as session:
        logged = session.execute(select(AccessLog.action, AccessLog.username)).all()
    assert ("logout", "c_12328") in logged


def test_signing_out_ends_the_users_other_sessions_too(app):
    """The epoch is the user's: one sign-out ends every browser's session of that user
    (and no one else's)."""
    office, phone, other = app.test_client(), app.test_client(), app.test_client()
    sign_in(office), sign_in(phone), sign_in(other, username="bus_handler")
    sign_out(office)
    assert phone.get("/").status_code == 302 and other.get("/").status_code == 200
    assert sign_in(phone).status_code == 302 and phone.get("/").status_code == 200


def test_a_password_reset_or_disabling_ends_the_sessions(client, app, jtflow):
    from engine.people.accounts import disable_user, set_password

    sign_in(client)
    with jtflow.sessions() as session:
        set_password(session, "c_12328", "a-new-password")
        session.commit()
    assert client.get("/").status_code == 302
    assert sign_in(client, password="a-new-password").status_code == 302
    with jtflow.sessions() as session:
        disable_user(session, "c_12328")
        session.commit()
    assert client.get("/").status_code == 302


def test_a_cookie_from_before_session_epochs_signs_nobody_in(client):
    with client.session_transaction() as session:
        session["username"] = "c_12328"  # as issued before migration 0007: no epoch
    assert client.get("/").status_code == 302
