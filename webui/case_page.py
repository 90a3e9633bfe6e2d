"""The case page: a case's facts, its diagram (done and open elements marked), its steps and
its history, for the units it involves and for auditors (S1); anyone else gets a 403 page,
logged."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from engine.definitions.case_diagram import case_progress
from engine.definitions.element_names import element_names
from engine.people.access_rule import sees_task
from engine.people.visibility import case_tasks
from engine.run.history import case_history

from .auth import signed_in
from .diagram import viewer_installed
from .knowledge import knowledge_links
from .reading import reading_case

case_page = Blueprint("case", __name__)


@case_page.get("/cases/<case_no>")
@signed_in
def show(case_no: str) -> Any:
    with reading_case(case_no) as (db, case):
        history = case_history(db, case.id)
        tasks = case_tasks(db, case)
        progress = case_progress(db, case)
        names = element_names(db, case)
        links = knowledge_links(db, case)
    return render_template(
        "case.html",
        case=case,
        history=history,
        tasks=tasks,
        readable={t.id for t in tasks if sees_task(g.user, t)},
        step_names=names,
        progress={"done": progress.done, "open": progress.open},
        viewer=viewer_installed(),
        **links,
    )
