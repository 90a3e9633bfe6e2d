"""The A1 score: each indicator's share of good outcomes, weighted by the bureau's weights
(engine.assessment.weights), as a mean × 100 over the indicators that have data."""

from __future__ import annotations

from dataclasses import dataclass

from .event_figures import UnitEvents
from .weights import Weight


@dataclass(frozen=True)
class Score:
    value: float | None  # 0–100; None: no indicator has data
    parts: dict[str, float | None]  # indicator → its share of good outcomes (None: no data)


def _share(good: float, of: float) -> float | None:
    return None if of <= 0 else max(0.0, min(1.0, good / of))


def indicators(figures: UnitEvents) -> dict[str, float | None]:
    lights = list(figures.steps.values())
    watched = sum(x.green + x.yellow + x.red for x in lights)
    received = figures.received
    closure = figures.closure
    return {
        "sign_for_on_time": figures.sign_for.rate,
        "feedback_on_time": figures.feedback.rate,
        "no_yellow": _share(watched - sum(x.yellow for x in lights), watched),
        "no_red": _share(watched - sum(x.red for x in lights), watched),
        "no_return": _share(received - figures.returned_cases, received),
        "no_repeated_return": _share(received - figures.repeated_returns, received),
        "no_escalation": _share(received - figures.escalations, received),
        "closed_in_target": _share(closure.within_target, closure.closed),
    }


def score(figures: UnitEvents, weights: dict[str, Weight]) -> Score:
    parts = indicators(figures)
    weighed = [(weights[name].value, share) for name, share in parts.items() if share is not None]
    total = sum(weight for weight, _ in weighed)
    if not weighed or total <= 0:
        return Score(None, parts)
    value = 100 * sum(weight * share for weight, share in weighed) / total
    return Score(round(value, 1), {k: None if v is None else round(v, 4) for k, v in parts.items()})
