"""The report's tables as CSV for Czech Excel, one file per table, through the shared
exports.csv_text (formula-like cells neutralised there)."""

from collections.abc import Callable, Iterable
from datetime import date

from babel.numbers import format_decimal
from flask_babel import get_locale

from ..exports import csv_text
from ..groups.models import group_title
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..strategy.progress import State
from ..visits import register
from .yearly import Report

# The indicators' states as the strategy's pages name them (templates/strategy/_macros.html).
STATE_LABELS = {State.NO_VALUES: _l("zatím bez hodnot"), State.REACHED: _l("cíle dosaženo"),
                State.ON_TRACK: _l("podle plánu"), State.BEHIND: _l("zaostává za plánem")}


def _day(day: date | None) -> str:
    return f"{day.day}. {day.month}. {day.year}" if day else ""


def _decimal(value: float | None) -> str:
    """A number as Excel reads it in the page's language, without thousands separators
    (8,5 in Czech)."""
    return "" if value is None else format_decimal(value, "0.##", locale=str(get_locale()))


def _meetings(report: Report) -> tuple[list, Iterable]:
    return ([_("Pracovní skupina"), _("Schůzek"), _("Účastí celkem (členové i hosté)"),
             _("Průměrná účast na schůzce")],
            ([group_title(g.number, g.name), g.meetings, g.attendances, _decimal(g.average)]
             for g in report.groups))


def _municipalities(report: Report) -> tuple[list, Iterable]:
    return ([_("Obec"), _("Účastí"), _("Lidí"), _("Schůzek s někým z obce")],
            ([row.name, row.attendances, row.people, row.meetings]
             for row in report.municipalities))


def _minutes(report: Report) -> tuple[list, Iterable]:
    return ([_("Pracovní skupina"), _("Zveřejněných zápisů")],
            ([group_title(row.number, row.name), row.published] for row in report.minutes))


def _tasks(report: Report) -> tuple[list, Iterable]:
    return ([_("Pracovní skupina"), _("Nových úkolů"), _("Splněných úkolů"),
             _("Po termínu k %(day)s", day=_day(report.year.as_of))],
            ([group_title(row.number, row.name), row.created, row.done, row.overdue]
             for row in report.tasks))


def _visit_kinds(report: Report) -> tuple[list, Iterable]:
    return ([_("Druh"), _("Stáží a exkurzí"), _("Účastí"), _("Lidí"),
             _("Vysílajících organizací")],
            ([str(row.kind.label), row.visits, row.participants, row.people,
              row.organisations] for row in report.visit_kinds))


def _visits(report: Report) -> tuple[list, Iterable]:
    return ([_("Od"), _("Do"), _("Druh"), _("Název"), _("Hostitel"), _("Země"),
             _("Účastí")],
            ([_day(row.first_day), _day(row.last_day), str(row.kind.label), row.title,
              row.host, row.country, row.participants] for row in report.visits))


def _indicators(report: Report) -> tuple[list, Iterable]:
    headers = [_("Cíl"), _("Indikátor"), _("Jednotka"), _("Výchozí hodnota"), _("Výchozí k"),
               _("Hodnota k %(day)s", day=_day(report.year.as_of)), _("Změřeno"),
               _("Cílová hodnota"), _("Do kdy"), _("Cesty k cíli (v procentech)"), _("Stav"),
               _("Hodnota chybí od")]
    rows = []
    for priority in report.priorities:
        for goal in priority.goals:
            for indicator in goal.indicators:
                progress = report.progress.get(indicator.id)
                if progress is not None:
                    rows.append([
                        f"{priority.number}.{goal.number} {goal.title}", indicator.name,
                        indicator.unit, _decimal(indicator.baseline), _day(indicator.baseline_on),
                        _decimal(progress.latest), _day(progress.latest_on),
                        _decimal(indicator.target), _day(indicator.target_on),
                        "" if progress.percent is None else progress.percent,
                        str(STATE_LABELS[progress.state]),
                        _day(progress.next_due) if progress.late else ""])
    return headers, rows


def _learned(report: Report) -> str:
    """Every host as a column (the page shows the busiest)."""
    return register.matrix_csv(report.learned(limit=None))


# name → (what the file holds, its headers and rows; or its whole text)
CSV_TABLES: dict[str, tuple] = {
    "meetings": (_l("schůzky podle skupin"), _meetings),
    "municipalities": (_l("účast podle obcí"), _municipalities),
    "minutes": (_l("zveřejněné zápisy"), _minutes),
    "tasks": (_l("úkoly"), _tasks),
    "visit_kinds": (_l("stáže a exkurze podle druhu"), _visit_kinds),
    "visits": (_l("stáže a exkurze"), _visits),
    "learned": (_l("kdo se učil u koho"), _learned),
    "indicators": (_l("indikátory strategie"), _indicators),
}


def csv_of(table: str, report: Report) -> str:
    made: Callable = CSV_TABLES[table][1]
    result = made(report)
    if isinstance(result, str):
        return result
    headers, rows = result
    return csv_text(headers, rows)


def csv_filename(table: str, report: Report) -> str:
    """e.g. "Výroční zpráva 2026 – úkoly.csv"."""
    return _("Výroční zpráva %(year)d – %(table)s.csv", year=report.year.number,
             table=CSV_TABLES[table][0])
