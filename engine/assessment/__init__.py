"""考核评价 (SPEC §6, standard 第五节): figures per unit and period from the records, the
cases behind each figure, and the accountability list — computed in SQL."""

from .cases import cases_behind
from .overview import Assessment, UnitAssessment, accountable, assess, scope_for

__all__ = ["Assessment", "UnitAssessment", "accountable", "assess", "cases_behind", "scope_for"]
