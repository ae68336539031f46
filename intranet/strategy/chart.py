"""An indicator's history as a small chart, drawn on the server as SVG (templates/strategy/
_chart.html): the values over time, the planned way from the baseline to the target, and the
target's line. Only coordinates are computed here; no script, no external request."""

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 26  # room for the axes' labels


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    day: date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    values: list[Point]  # the baseline first, then the measured values
    plan: tuple[Point, Point]  # from the baseline to the target
    target_y: float
    axis_values: list[tuple[float, float]]  # (y, value): the lowest and highest shown
    axis_years: list[tuple[float, int]]  # (x, year) at each new year


def chart_of(indicator, values: list) -> Chart:
    """The chart of an indicator and its values (oldest first: rows with measured_on, value)."""
    days = [indicator.baseline_on, indicator.target_on, *(v.measured_on for v in values)]
    numbers = [indicator.baseline, indicator.target, *(v.value for v in values)]
    first, last = min(days), max(days)
    low, high = min(numbers), max(numbers)
    margin = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - margin, high + margin

    def point(day: date, value: float) -> Point:
        span = (last - first).days or 1
        x = LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT)
        y = TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)
        return Point(round(x, 1), round(y, 1), value, day)

    start = point(indicator.baseline_on, indicator.baseline)
    measured = [point(v.measured_on, v.value) for v in values]
    return Chart(
        width=WIDTH, height=HEIGHT, values=[start, *measured],
        plan=(start, point(indicator.target_on, indicator.target)),
        target_y=point(indicator.target_on, indicator.target).y,
        axis_values=[(point(first, v).y, v) for v in (low + margin, high - margin)],
        axis_years=[(LEFT, first.year)] + [(point(date(year, 1, 1), low).x, year)
                                           for year in range(first.year + 1, last.year + 1)])
