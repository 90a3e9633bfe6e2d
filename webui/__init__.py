"""The Flask app: task inbox, case pages and the REST API over the engine (DESIGN.md "Web").

`create_app` binds one Jtflow (engine, clock, calendar, forms) to the app; pages and API
call only its service methods. The engine's errors become HTTP answers in webui.errors.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, session
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.assessment.access import reads_assessment
from engine.config import Settings, open_jtflow
from engine.service import Jtflow
from engine.time.clock import SHANGHAI, Clock

from . import errors, labels
from .admin_users import admin_users
from .api import api
from .assessment import assessment
from .assessment_report import assessment_report
from .attachments import attachments, init_attachments
from .audit import audit
from .auth import auth, load_signed_in_user
from .case_page import case_page
from .catalogue import catalogue
from .chart_library import chart_library
from .diagram import diagram
from .due import allowance_phrase
from .extensions import babel, csrf, current_jtflow, db
from .form_api import form_api
from .handler_lists import handler_lists
from .inbox import inbox
from .knowledge import knowledge
from .market import market
from .modeler import modeler
from .modeler_api import modeler_api
from .notices import notices
from .notification_feed import bell
from .notifications import notifications
from .people_names import person
from .processes import processes
from .report import report
from .retention import retention
from .secrets import secret_key
from .security_headers import add_security_headers
from .sharing import sharing
from .start import start
from .task_page import task_page

LANGUAGES = ("zh", "en")


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    jtflow: Jtflow | None = None,
    config: dict[str, Any] | None = None,
) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,  # served over HTTPS: JTFLOW_SECURE_COOKIES=1
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,  # no event or form needs more
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still submits
        BELL_SECONDS=settings.bell_seconds,  # how often an open page's bell looks
    )
    app.config.update(config or {})
    if settings.trusted_proxies:  # the client's address, not the proxy's (sign-in lockout)
        behind = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
        app.wsgi_app = behind  # type: ignore[method-assign]  # Flask's documented way
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # API answers stay readable Chinese
    _bind_engine(app, settings, clock, jtflow)
    app.extensions["background"] = ThreadPoolExecutor(1, thread_name_prefix="jtflow-background")
    babel.init_app(app, locale_selector=_locale)
    init_attachments(app, settings)  # before CSRF, which reads the upload's body first
    csrf.init_app(app)
    app.before_request(load_signed_in_user)
    app.after_request(add_security_headers)
    app.register_blueprint(auth)
    app.register_blueprint(inbox)
    app.register_blueprint(handler_lists)
    app.register_blueprint(notifications)
    app.register_blueprint(processes)
    app.register_blueprint(modeler)
    app.register_blueprint(task_page)
    app.register_blueprint(case_page)
    app.register_blueprint(catalogue)
    app.register_blueprint(diagram)
    app.register_blueprint(chart_library)
    app.register_blueprint(report)
    app.register_blueprint(start)
    app.register_blueprint(admin_users)
    app.register_blueprint(retention)
    app.register_blueprint(sharing)
    app.register_blueprint(audit)
    app.register_blueprint(assessment)
    app.register_blueprint(assessment_report)
    app.register_blueprint(attachments)
    app.register_blueprint(market)
    app.register_blueprint(notices)
    app.register_blueprint(knowledge)
    app.register_blueprint(api)
    app.register_blueprint(modeler_api)
    app.register_blueprint(form_api)
    errors.register(app)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["translated"] = labels.translated  # step names, form texts
    app.jinja_env.filters["post"] = labels.post_name  # a task's post (岗位) or role
    app.context_processor(labels.for_templates)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["person"] = person  # people by name, not login name
    app.jinja_env.globals["in_language"] = in_language
    app.jinja_env.globals["reads_assessment"] = reads_assessment  # the header's 考核评价
    app.jinja_env.globals["bell"] = bell  # the header's unread count
    app.jinja_env.globals["allowance"] = allowance_phrase  # beside a light (E12)
    return app


def _bind_engine(
    app: Flask, settings: Settings, clock: Clock | None, jtflow: Jtflow | None
) -> None:
    """One engine and pool for the Jtflow and the pages' sessions (Flask-SQLAlchemy): a
    given Jtflow brings its own; else Flask-SQLAlchemy makes it from the settings' address
    (engine.db.make_engine) and the Jtflow is opened on it."""
    if jtflow is not None:
        app.extensions["jtflow"] = jtflow
        app.config["SQLALCHEMY_DATABASE_URI"] = jtflow.sessions.kw["bind"].url
        db.init_app(app)
        return
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url
    db.init_app(app)
    with app.app_context():
        app.extensions["jtflow"] = open_jtflow(settings, clock, engine=db.engine)


def local_time(instant: datetime) -> str:
    """Instants are stored in UTC and shown in Xiamen's time."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def in_language(code: str) -> str:
    """This page in another language, its filters, tab, sort and page kept. Signed out (the
    sign-in page) nothing is kept: a link from elsewhere cannot put its words there."""
    args = request.args.items(multi=True) if g.get("user") is not None else ()
    kept = [(name, value) for name, value in args if name != "lang"]
    return "?" + urlencode([*kept, ("lang", code)])


def _locale() -> str:
    """Chinese unless the user chose English (the switch in the page header)."""
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return str(chosen)
    return "zh"


__all__ = ["create_app", "current_jtflow", "g"]
