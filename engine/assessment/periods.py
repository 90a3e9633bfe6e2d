"""The period an assessment covers: a year, a quarter or a month of Xiamen's calendar.

Written `2026`, `2026-Q4` or `2026-11`; its bounds are Xiamen midnights, as UTC instants.
Work belongs to the period in which it reached the unit (the step's task opened).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from ..errors import FieldError, InvalidInput
from ..time.clock import SHANGHAI, YEARS, to_utc

_FORM = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")
# the same, for the API's document: years within engine.time.clock.YEARS
PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(Q[1-4]|0[1-9]|1[0-2]))?$"


@dataclass(frozen=True)
class Period:
    name: str  # as written: 2026, 2026-Q4, 2026-11
    first_day: date  # Xiamen dates, the first included, the last excluded
    end_day: date

    @property
    def start(self) -> datetime:
        return to_utc(datetime.combine(self.first_day, time(0), tzinfo=SHANGHAI))

    @property
    def end(self) -> datetime:
        return to_utc(datetime.combine(self.end_day, time(0), tzinfo=SHANGHAI))


def parse_period(text: str) -> Period:
    """`2026` (a year), `2026-Q4` (a quarter) or `2026-11` (a month)."""
    found = _FORM.match(text.strip()) if text else None
    how = "期间写作 2026（年）、2026-Q4（季度）或 2026-11（月）"
    if found is None:
        raise InvalidInput(f"期间 {text[:40]!r} 格式不对：{how}", [FieldError("period", how)])
    year = int(found[1])
    if year not in YEARS:
        span = f"年份应在 {YEARS[0]} 至 {YEARS[-1]} 之间"
        raise InvalidInput(f"期间 {text} 超出范围：{span}", [FieldError("period", span)])
    if found[2]:
        first_month = (int(found[2]) - 1) * 3 + 1
        return Period(found[0], date(year, first_month, 1), _month_after(year, first_month + 2))
    if found[3]:
        month = int(found[3])
        return Period(found[0], date(year, month, 1), _month_after(year, month))
    return Period(found[0], date(year, 1, 1), date(year + 1, 1, 1))


def current_year(now: datetime) -> Period:
    """The default period: the Xiamen year `now` falls in."""
    return parse_period(str(to_utc(now).astimezone(SHANGHAI).year))


def _month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)
