"""Opening a case on behalf of the signed-in user: the reading rule and the access log (S1).

A task page or a task read over the API shows its case too, so it is logged as a reading of
that case, like the case page: every read of a case is in its access log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from sqlalchemy.orm import Session

from engine.models import Instance, Task
from engine.people.accounts import log_access
from engine.people.visibility import read_case, visible_task

from .extensions import current_jtflow, request_session


@contextmanager
def reading_case(ref: str | int, how: str = "view") -> Iterator[tuple[Session, Instance]]:
    """A session and the case, if `g.user` may read it; the reading is logged and committed
    before the caller reads on, so a page that fails later still leaves its trace."""
    engine = current_jtflow()
    with request_session() as db:
        case = read_case(db, g.user, ref, engine.clock.now(), how=how)
        db.commit()
        yield db, case


@contextmanager
def reading_task(task_id: int) -> Iterator[tuple[Session, Task, Instance]]:
    """A session, the task and its case, if `g.user` may read the task; logged (and
    committed) as a view of the case, naming the task it was opened through."""
    engine = current_jtflow()
    with request_session() as db:
        task, case = visible_task(db, g.user, task_id)
        log_access(
            db,
            engine.clock.now(),
            g.user.username,
            "view",
            allowed=True,
            target=("case", case.case_no or ""),
            detail=f"任务 {task.id}",
        )
        db.commit()
        yield db, task, case
