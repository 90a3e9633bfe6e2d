"""Signing in and out of the pages (S1): a session cookie after a password check.

The engine decides (engine.people.accounts): one answer for every refusal, lockout per name and
client address, every refusal logged. Here: the login form (with CSRF, like every form), the
session, and `signed_in` for pages. The session carries the user's session epoch, so
signing out (or a new password, or disabling) ends it on the server: a copied cookie
stops working.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from engine.assessment.access import assessment_is_home
from engine.models import User
from engine.people.accounts import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    SignInRefused,
    authenticate,
    end_sessions,
    log_access,
)

from .extensions import current_jtflow, request_session

auth = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired()])
    password = PasswordField("密码", validators=[DataRequired()])


def load_signed_in_user() -> None:
    """Before every request: the signed-in user, if the session names an active one and was
    issued under the user's current session epoch (not ended by a sign-out since)."""
    g.user = None
    username = session.get("username")
    if username:
        with request_session() as db:
            user = db.scalar(select(User).where(User.username == username))
        if user is not None and user.active and session.get("epoch") == user.session_epoch:
            g.user = user
        else:
            _fresh_session()


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages for signed-in users only; others are sent to sign in and brought back."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        engine = current_jtflow()
        with request_session() as db:
            try:
                user = authenticate(
                    db,
                    form.username.data,
                    form.password.data,
                    engine.clock.now(),
                    address=client_address(),
                )
            except SignInRefused:  # one answer whatever the reason (engine.people.accounts.REFUSED)
                error = _(
                    "用户名或密码不正确：请检查后再试（连续失败 %(count)s 次须等 %(minutes)s 分钟）；"
                    "忘记密码请找管理员重设",
                    count=MAX_FAILED_LOGINS,
                    minutes=LOCKOUT_MINUTES,
                )
            db.commit()
        if error is None:
            _fresh_session(username=user.username, epoch=user.session_epoch)
            wanted = request.args.get("next")
            return redirect(_safe_next(wanted) if wanted else _home(user))
    return render_template("login.html", form=form, error=error), 200 if error is None else 401


@auth.route("/logout", methods=["POST"])
def logout() -> Any:
    """Ends every session of the user on the server, not only this browser's cookie."""
    if g.user is not None:
        engine = current_jtflow()
        with request_session() as db:
            end_sessions(db, g.user.username)
            log_access(
                db,
                engine.clock.now(),
                g.user.username,
                "logout",
                allowed=True,
                detail=client_address(),
            )
            db.commit()
    _fresh_session()
    flash(_("已退出登录"), "notice")  # not in the URL: a link cannot make the page say anything
    return redirect(url_for("auth.login"))


def _home(user: User) -> str:
    """Where a sign-in without a page to return to lands: the inbox; the center's analysts,
    who have no inbox work, the assessment."""
    return url_for("assessment.index" if assessment_is_home(user) else "inbox.index")


def client_address() -> str:
    """The address sign-in failures are counted against: the peer of this connection, or
    behind JTFLOW_TRUSTED_PROXIES reverse proxies the client they forwarded for."""
    return request.remote_addr or "-"


def _fresh_session(**values: Any) -> None:
    """A new session at sign-in and sign-out (nothing of the last user's carried over),
    keeping only the language chosen in the header."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.update(values)


def _safe_next(target: str | None) -> str:
    """Only back to a page of this site: never an open redirect. Browsers drop tabs and
    newlines from a URL and read a backslash as a slash (`/\t/evil.example` and
    `/\\evil.example` lead off-site), so a target with a control character or a backslash,
    typed or percent-encoded, is refused, and what is left must parse as a path without
    scheme or host."""
    if not target:
        return url_for("inbox.index")
    decoded = unquote(target)
    if any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target + decoded):
        return url_for("inbox.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or decoded.startswith("//"):
        return url_for("inbox.index")
    return target
