"""The assessment of a period, per unit: A1's figures and score, as a reader may see them
(engine.assessment.access). The web page and `GET /api/assessment` show this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, User
from ..people.reference import HANDLING_UNITS
from ..time.calendar import WorkingCalendar
from .access import readable_unit
from .accountability import Accountable, accountability
from .data_figures import UnitData, data_figures
from .event_figures import UnitEvents, event_figures
from .periods import Period, current_year, parse_period
from .scope import Scope
from .score import Score, score
from .weights import Weight, current_weights


@dataclass(frozen=True)
class UnitAssessment:
    unit: str
    name: str
    events: UnitEvents
    score: Score
    data: UnitData | None = None  # A2: None where the unit has no data records


@dataclass(frozen=True)
class Assessment:
    period: Period
    as_of: datetime
    unit: str | None  # the one unit asked for (or a unit leader's own); None: every unit
    units: list[UnitAssessment]
    weights: dict[str, Weight]


def scope_for(user: User, period: str | None, unit: str | None, now: datetime) -> Scope:
    """The period and unit a reader asked for, checked (PermissionDenied, InvalidInput)."""
    allowed = readable_unit(user, unit or None)
    chosen = parse_period(period) if period else current_year(now)
    return Scope(chosen, now, allowed)


def assess(
    session: Session,
    calendar: WorkingCalendar,
    user: User,
    *,
    period: str | None = None,
    unit: str | None = None,
    now: datetime,
) -> Assessment:
    chosen = scope_for(user, period, unit, now)
    weights = current_weights(session)
    target = weights["closure_target_wd"].value
    figures = event_figures(session, calendar, chosen, target)
    data = data_figures(session, calendar, chosen)
    names = {
        code: name for code, name in session.execute(select(Organisation.code, Organisation.name))
    }
    codes = [chosen.unit] if chosen.unit else sorted(set(HANDLING_UNITS) | set(figures) | set(data))
    units = []
    for code in codes:
        events = figures.get(code) or UnitEvents(code)
        units.append(
            UnitAssessment(
                code, names.get(code, code), events, score(events, weights), data.get(code)
            )
        )
    return Assessment(chosen.period, now, chosen.unit, units, weights)


def accountable(
    session: Session,
    calendar: WorkingCalendar,
    user: User,
    *,
    period: str | None = None,
    unit: str | None = None,
    now: datetime,
) -> tuple[Scope, list[Accountable]]:
    """A3 as the reader may see it: the cases of 第五节 2.3 with their evidence."""
    chosen = scope_for(user, period, unit, now)
    drag_on = current_weights(session)["drag_on_wd"].value
    return chosen, accountability(session, calendar, chosen, drag_on)
