"""S1 in the browser's terms: sign in with a CSRF-protected form, session cookies HttpOnly and
SameSite, five failures lock the account, pages need a signed-in user, 中文 by default."""

from __future__ import annotations

import re

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.demo import DEMO_PASSWORD
from engine.models import AccessLog

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


def test_a_wrong_password_says_so_and_five_lock_the_account(client, app):
    for _ in range(5):
        response = sign_in(client, password="wrong password")
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.get_data(as_text=True)
    response = sign_in(client)
    assert response.status_code == 401 and "已锁定" in response.get_data(as_text=True)


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


def test_the_compiled_english_catalogue_matches_its_source():
    """The .mo shipped says exactly what the .po beside it says (`pybabel compile -d
    webui/translations` after editing the .po)."""
    with (
        open(TRANSLATIONS / "messages.po", "rb") as po,
        open(TRANSLATIONS / "messages.mo", "rb") as mo,
    ):
        source, compiled = read_po(po), read_mo(mo)
    assert {m.id: m.string for m in source if m.id} == {m.id: m.string for m in compiled if m.id}


def test_signing_in_starts_a_new_session_that_keeps_only_the_language(client):
    client.get("/login?lang=en")
    with client.session_transaction() as session:
        session["left_over"] = "from before"
    sign_in(client)
    with client.session_transaction() as session:
        assert dict(session) == {"lang": "en", "username": "c_12328"}
    assert "Inbox" in client.get("/").get_data(as_text=True)


def test_signing_out_says_so_and_a_link_cannot_put_words_on_the_login_page(client):
    sign_in(client)
    inbox = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', inbox).group(1)
    page = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "已退出登录" in page.get_data(as_text=True)
    assert "crafted" not in client.get("/login?message=crafted").get_data(as_text=True)
