"""How far an indicator has got: from its baseline toward its target (whichever way is
better), against what the time gone by would expect, and whether a value is late. Pure
arithmetic on the indicator and its values, so that the overview, the goal's page, the
reminders and the yearly report say the same."""

import calendar
from dataclasses import dataclass
from datetime import date

from .models import Better

BEHIND_BY = 0.1  # behind plan: a tenth of the way short of where the time gone by expects


class State:
    NO_VALUES = "no_values"
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"


@dataclass(frozen=True)
class Progress:
    latest: float | None  # the newest value
    latest_on: date | None
    share: float | None  # of the way from the baseline to the target (1.0: reached)
    expected: float  # the share the time gone by expects (0 at the baseline, 1 at the target)
    state: str  # a State
    next_due: date  # when the next value is due
    late: bool  # it is past due

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    @property
    def bar(self) -> int:
        """The share as a progress bar shows it: 0 to 100."""
        return 0 if self.share is None else round(min(max(self.share, 0.0), 1.0) * 100)


def progress_of(indicator, values: list, today: date) -> Progress:
    """The indicator's progress with its values (oldest first; rows or records with
    measured_on and value) as of `today`."""
    latest = values[-1] if values else None
    share = None if latest is None else share_of(indicator, latest.value)
    expected = _elapsed(indicator.baseline_on, indicator.target_on, today)
    next_due = add_months(latest.measured_on if latest else indicator.baseline_on,
                          indicator.months_between_values)
    return Progress(latest=latest.value if latest else None,
                    latest_on=latest.measured_on if latest else None, share=share,
                    expected=expected, state=_state(share, expected), next_due=next_due,
                    late=next_due < today)


def share_of(indicator, value: float) -> float:
    """How much of the way from the baseline to the target the value has gone: 0 at the
    baseline, 1 at the target, below 0 when it got worse, above 1 beyond the target. The
    target lies on the better side of the baseline, so the sign of the way says the
    direction (lower-is-better indicators go down)."""
    way = indicator.target - indicator.baseline
    if way == 0:
        return 1.0 if is_at_least_as_good(value, indicator.target, indicator.better) else 0.0
    return (value - indicator.baseline) / way


def is_at_least_as_good(value: float, than: float, better: Better) -> bool:
    return value >= than if better is Better.HIGHER else value <= than


def _elapsed(start: date, end: date, today: date) -> float:
    if end <= start:
        return 1.0
    return min(max((today - start).days / (end - start).days, 0.0), 1.0)


def _state(share: float | None, expected: float) -> str:
    if share is None:
        return State.NO_VALUES
    if share >= 1:
        return State.REACHED
    return State.BEHIND if share < expected - BEHIND_BY else State.ON_TRACK


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31. 1. → 28. 2.)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
