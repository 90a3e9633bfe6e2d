"""Opening a case on behalf of the signed-in user: the reading rule and the access log (S1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from sqlalchemy.orm import Session

from engine.models import Instance
from engine.visibility import read_case


@contextmanager
def reading_case(ref: str | int, how: str = "view") -> Iterator[tuple[Session, Instance]]:
    """A session and the case, if `g.user` may read it; the reading is logged and committed
    before the caller reads on, so a page that fails later still leaves its trace."""
    from webui import current_jtflow

    engine = current_jtflow()
    with engine.sessions() as db:
        case = read_case(db, g.user, ref, engine.clock.now(), how=how)
        db.commit()
        yield db, case
