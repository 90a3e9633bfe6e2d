"""The users page (S1): only a 管理员 lists, adds, resets and disables — through
engine.people.user_admin, with CSRF forms and errors beside their fields; anyone else gets the
logged 403 page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLog, ApiToken, SignInFailures, User
from tests.webui.pages import csrf, post, signed_in_as, text
from tests.webui.test_sign_in import sign_in

NEW_USER = {
    "username": "bus_clerk",
    "display_name": "公交 新办理人",
    "unit_code": "BUS_GROUP",
    "roles": ["办理人", "单位领导"],
    "password": "a-good-password",
}


def user(jtflow, username):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return session.scalar(select(User).where(User.username == username))


def logged(jtflow, action):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(
            session.execute(
                select(AccessLog.username, AccessLog.target_id, AccessLog.allowed).where(
                    AccessLog.action == action
                )
            )
        )


@pytest.mark.parametrize("username", ["c_12328", "auditor", "bus_leader"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/users"),
        ("post", "/admin/users"),
        ("post", "/admin/users/bus_handler/password"),
        ("post", "/admin/users/bus_handler/disable"),
    ],
)
def test_only_an_administrator_manages_users_others_get_a_logged_403(
    client, jtflow, username, method, path
):
    signed_in_as(client, username)
    if method == "get":
        response = client.get(path)
    else:
        response = post(client, path, {**NEW_USER, "password": "another-password"})
    assert response.status_code == 403 and "管理员" in text(response)
    assert (username, path, False) in logged(jtflow, "denied")
    assert user(jtflow, "bus_clerk") is None and user(jtflow, "bus_handler").active


def test_the_nav_link_shows_only_for_administrators(client):
    signed_in_as(client, "c_12328")
    assert 'id="nav-users"' not in text(client.get("/"))
    client.post("/logout", data={"csrf_token": csrf(client)})
    signed_in_as(client, "admin")
    assert 'id="nav-users"' in text(client.get("/"))


def test_the_list_shows_name_unit_roles_and_state(client, jtflow):
    with jtflow.sessions() as session:
        session.scalar(select(User).where(User.username == "legal")).active = False
        session.commit()
    signed_in_as(client, "admin")
    page = text(client.get("/admin/users"))
    assert 'id="user-c_12328"' in page and "黄坐席（投诉受理岗）" in page and "投诉受理岗" in page
    assert 'id="user-legal" data-active="false"' in page
    assert 'id="disable-legal"' not in page  # already disabled
    assert 'id="disable-admin"' not in page  # never one's own account
    for role in ("办理人", "审计员", "管理员"):
        assert f'name="roles" value="{role}"' in page
    assert '<option value="BUS_GROUP"' in page


def test_an_administrator_adds_a_user_who_then_signs_in(client, app, jtflow):
    signed_in_as(client, "admin")
    response = post(client, "/admin/users", NEW_USER)
    assert response.status_code == 302
    assert "已添加用户 bus_clerk" in text(client.get(response.location))
    added = user(jtflow, "bus_clerk")
    assert (added.display_name, added.unit_code, added.roles, added.active) == (
        "公交 新办理人",
        "BUS_GROUP",
        ["办理人", "单位领导"],
        True,
    )
    assert ("admin", "bus_clerk", True) in logged(jtflow, "user_added")
    other = app.test_client()
    assert sign_in(other, "bus_clerk", "a-good-password").status_code == 302


def test_add_errors_are_shown_beside_their_fields_and_the_input_kept(client, jtflow):
    signed_in_as(client, "admin")
    response = post(
        client,
        "/admin/users",
        {
            "username": "c_12328",
            "display_name": "重复者",
            "unit_code": "NOWHERE",
            "password": "short",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert 'id="error-username"' in page and "用户名 c_12328 已存在" in page
    assert 'id="error-unit_code"' in page and 'id="error-roles"' in page
    assert (
        "请至少选择一个角色" in page and 'id="error-password"' in page and "至少 8 个字符" in page
    )
    assert 'id="error-display_name"' not in page and 'value="重复者"' in page
    assert 'value="short"' not in page  # a password is never sent back
    response = post(client, "/admin/users", {**NEW_USER, "username": "9 bad name"})
    page = text(response)
    assert response.status_code == 422 and "用户名须以字母开头" in page
    assert 'value="办理人" checked' in page and 'value="BUS_GROUP" selected' in page
    assert user(jtflow, "9 bad name") is None


def test_a_form_without_its_csrf_token_changes_nothing(client, jtflow):
    signed_in_as(client, "admin")
    response = client.post("/admin/users", data=NEW_USER)
    assert response.status_code == 400 and "CSRF" in text(response)
    response = client.post("/admin/users/bus_handler/disable")
    assert response.status_code == 400
    assert user(jtflow, "bus_clerk") is None and user(jtflow, "bus_handler").active


def test_an_administrator_resets_a_password_the_lock_and_the_sessions_with_it(client, app, jtflow):
    handler = app.test_client()
    signed_in_as(handler, "bus_handler")
    for _ in range(5):
        sign_in(app.test_client(), "bus_handler", "wrong password")
    signed_in_as(client, "admin")
    response = post(client, "/admin/users/bus_handler/password", {"password": "short"})
    assert response.status_code == 422
    assert 'id="row-error-bus_handler"' in text(response) and "至少 8 个字符" in text(response)
    response = post(client, "/admin/users/bus_handler/password", {"password": "new-password-1"})
    assert response.status_code == 302
    assert "已重设 bus_handler 的密码" in text(client.get(response.location))
    with jtflow.sessions() as session:
        assert session.scalars(select(SignInFailures)).all() == []  # the lock is lifted
    assert handler.get("/").status_code == 302  # signed out: the old password's session ended
    assert ("admin", "bus_handler", True) in logged(jtflow, "password_reset")
    assert sign_in(app.test_client(), "bus_handler", "new-password-1").status_code == 302
    assert post(client, "/admin/users/nobody/password", {"password": "x" * 10}).status_code == 404


def test_an_administrator_disables_a_user_who_can_no_longer_sign_in(client, app, jtflow):
    from engine.people.accounts import create_token

    with jtflow.sessions() as session:
        create_token(session, "bus_handler", jtflow.clock.now())
        session.commit()
    handler = app.test_client()
    signed_in_as(handler, "bus_handler")
    signed_in_as(client, "admin")
    response = post(client, "/admin/users/bus_handler/disable")
    assert response.status_code == 302
    assert "已停用用户 bus_handler" in text(client.get(response.location))
    assert not user(jtflow, "bus_handler").active
    with jtflow.sessions() as session:
        assert all(
            session.scalars(select(ApiToken.revoked).where(ApiToken.username == "bus_handler"))
        )
    assert ("admin", "bus_handler", True) in logged(jtflow, "user_disabled")
    assert sign_in(app.test_client(), "bus_handler").status_code == 401
    assert handler.get("/").status_code == 302


def test_an_administrator_cannot_disable_their_own_account(client, jtflow):
    signed_in_as(client, "admin")
    response = post(client, "/admin/users/admin/disable")
    assert response.status_code == 422
    assert 'id="row-error-admin"' in text(response) and "不能停用自己的账户" in text(response)
    assert user(jtflow, "admin").active


def test_the_page_reads_in_english(client):
    signed_in_as(client, "admin")
    page = text(client.get("/admin/users?lang=en"))
    assert "<h1>Users</h1>" in page and "Add a user" in page and "Reset password" in page
