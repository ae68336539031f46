"""Language and time: Czech by default, English second; shown in Europe/Prague."""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from numbers import Number
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import parse_pattern
from babel.numbers import format_decimal
from flask import current_app, has_request_context, session
from flask.globals import _cv_app
from flask_babel import (
    Domain,
    _get_current_context,
    format_date,
    format_datetime,
    format_time,
    get_domain,
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup, escape

from .extensions import db

FORMATS = {
    "cs": {"datetime": "d. M. yyyy H:mm", "date": "d. M. yyyy", "time": "H:mm"},
    "en": {"datetime": "d MMM yyyy, H:mm", "date": "d MMM yyyy", "time": "H:mm"},
}


def select_locale() -> str:
    """The member's saved language, else the one chosen in this session, else Czech."""
    from flask_login import current_user

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the worker: mail is rendered with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def set_language(language: str, member) -> None:
    """Remember the choice in the session and, for a logged-in member, in the profile."""
    if language not in current_app.config["LANGUAGES"]:
        return
    session["language"] = language
    if member.is_authenticated:
        member.language = language
        db.session.commit()


class RequestDomain(Domain):
    """Flask-Babel's message domain, its translations looked up once per request: Flask-Babel
    finds them again on every gettext (about ten look-ups of request-local objects), and labels
    and titles are translated many times per page. Flask-Babel's own `refresh()` and
    `force_locale()` clear or swap the stored `babel_translations`, as they expect."""

    def get_translations(self):
        ctx = _get_current_context()
        found = getattr(ctx, "babel_translations", None) if ctx is not None else None
        if found is None:
            found = super().get_translations()
            if ctx is not None:
                ctx.babel_translations = found
        return found


def request_catalogue():
    """This request's catalogue, as RequestDomain keeps it, read without Flask-Babel's look-ups
    of request-local objects (its gettext makes about ten; a list translates per row)."""
    app_context = _cv_app.get(None)
    babel_context = getattr(app_context.g, "_flask_babel", None) if app_context else None
    return (getattr(babel_context, "babel_translations", None)
            or get_domain().get_translations())


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, several times faster; the code's `_`."""
    text = request_catalogue().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Translated when used, in the language of the request then (labels of forms, enums)."""
    return LazyString(gettext, string, **variables)


def _pattern(kind: str) -> str:
    from flask_babel import get_locale

    return FORMATS.get(str(get_locale()), FORMATS["cs"])[kind]


def _language(context) -> str:
    """The language the template is rendered in (`current_language` of its context, else
    Flask-Babel's current locale)."""
    language = context.get("current_language")
    if language is None:
        from flask_babel import get_locale

        language = str(get_locale() or "cs")
    return language


@lru_cache(maxsize=16384)
def _formatted(language: str, kind: str, value: date | datetime) -> str:
    """A date or moment as the kind ("datetime", "date", "time") is written in the language,
    in Prague time. Each value is formatted once per process: a list repeats its days and
    hours, and Babel's formatting costs more than the rest of a row."""
    pattern = parse_pattern(FORMATS.get(language, FORMATS["cs"])[kind])
    if isinstance(value, datetime):
        moment = _in_prague(value)
        value = {"date": moment.date(), "time": moment.timetz()}.get(kind, moment)
    return pattern.apply(value, Locale.parse(language))


def _in_prague(moment: datetime) -> datetime:
    """Flask-Babel's rebasing: a naive datetime is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PRAGUE)


def register_filters(app) -> None:
    """Jinja filters `datetime`, `date` and `time`, in Prague time and the current language,
    and the templates' translation functions.

    They give what Flask-Babel's would, several times faster (lists format a date and
    translate labels per row): each value is formatted once per process, in Prague time
    directly, and a catalogue is found by the page's language (see _install_gettext).
    """
    _install_gettext(app)

    @app.template_filter("datetime")
    @pass_context
    def _datetime(context, value: datetime | None) -> str:
        if not value:
            return ""
        if not isinstance(value, datetime):
            return format_datetime(value, _pattern("datetime"))
        return _formatted(_language(context), "datetime", value)

    @app.template_filter("date")
    @pass_context
    def _date(context, value) -> str:
        if not value:
            return ""
        if not isinstance(value, date):
            return format_date(value, _pattern("date"))
        return _formatted(_language(context), "date", value)

    @app.template_filter("time")
    @pass_context
    def _time(context, value) -> str:
        if not value:
            return ""
        if not isinstance(value, datetime):
            return format_time(value, _pattern("time"))
        return _formatted(_language(context), "time", value)

    @app.template_filter("day_range")
    @pass_context
    def _day_range(context, start: date, end: date) -> str:
        return format_day_range(start, end, lambda day: _date(context, day))

    @app.template_filter("moment")
    def _moment(value: datetime | None) -> str:
        return format_moment(value) if value else ""

    @app.template_filter("number")
    @pass_context
    def _number(context, value: float | None) -> str:
        """12 345,5 in Czech, 12,345.5 in English; at most two decimals."""
        return "" if value is None else format_number(value, _language(context))


def format_number(value: float, language: str = "cs") -> str:
    return format_decimal(value, format="#,##0.##", locale=language)


def _install_gettext(app) -> None:
    """Templates' _(), ngettext and pgettext, as Jinja's i18n extension installs them
    ("newstyle": escaped, then formatted with the keyword arguments), but lighter: the
    catalogue is the request's (request_catalogue, which also follows force_locale) instead
    of Flask-Babel's look-up through its request context, about ten proxy look-ups per string;
    _() is gettext itself instead of an alias that looks it up on every call; and they take
    only the evaluation context (whether to escape): a function that takes the whole context
    gets, inside a loop that sets a variable, a copy of the context made for each call
    (10 µs a row)."""

    def formatted(eval_ctx, text: str, variables: dict) -> str:
        if variables and eval_ctx.autoescape:  # as Markup(text) % variables, faster
            return Markup(text % {name: value if isinstance(value, Number) else escape(value)
                                  for name, value in variables.items()})
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables if variables or "%" in text else text  # "%%" → "%" as Jinja

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        return formatted(eval_ctx, request_catalogue().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, number, **variables):
        variables.setdefault("num", number)
        return formatted(eval_ctx, request_catalogue().ungettext(singular, plural, number),
                         variables)

    @pass_eval_context
    def pgettext(eval_ctx, message_context, string, **variables):
        variables.setdefault("context", message_context)
        return formatted(eval_ctx, request_catalogue().upgettext(message_context, string),
                         variables)

    @pass_eval_context
    def npgettext(eval_ctx, message_context, singular, plural, number, **variables):
        variables.setdefault("context", message_context)
        variables.setdefault("num", number)
        return formatted(eval_ctx, request_catalogue().unpgettext(
            message_context, singular, plural, number), variables)

    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext,
                                 pgettext=pgettext, npgettext=npgettext)


def format_day(value: date | datetime) -> str:
    """A day as the `date` filter writes it, in the current language (a moment: its day in
    Prague)."""
    from flask_babel import get_locale

    return _formatted(str(get_locale() or "cs"), "date", value)


def format_moment(value: datetime) -> str:
    """A moment soon, e.g. when a link expires: its time if that is today in Prague, else its
    date and time."""
    if in_prague(value).date() == today_in_prague():
        return format_time(value, _pattern("time"))
    return format_datetime(value, _pattern("datetime"))


def format_day_range(start: date, end: date, format_day=None) -> str:
    """One day ("10. 12. 2026") or several ("10. 12. 2026 – 12. 12. 2026"); each day written
    by `format_day` (templates: the `date` filter), else by Flask-Babel."""
    format_day = format_day or (lambda day: format_date(day, _pattern("date")))
    first = format_day(start)
    return first if end == start else f"{first} – {format_day(end)}"


PRAGUE = ZoneInfo("Europe/Prague")


def local_to_utc(day: date, at: time) -> datetime:
    """A date and wall-clock time in Prague as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=PRAGUE).astimezone(UTC)


def in_prague(moment: datetime) -> datetime:
    return moment.astimezone(PRAGUE)


def today_in_prague() -> date:
    """Today as the territory counts days: deadlines, due dates and visits are days there."""
    from .database import utcnow

    return in_prague(utcnow()).date()


def exists_in_prague(day: date, at: time) -> bool:
    """False for a wall-clock time skipped by the change to summer time."""
    moment = datetime.combine(day, at, tzinfo=PRAGUE)
    return moment.astimezone(UTC).astimezone(PRAGUE).replace(tzinfo=None) == moment.replace(
        tzinfo=None)


def month_bounds(value: str | None, today: date) -> tuple[date, date]:
    """The first day of the month given as YYYY-MM (today's month if absent, wrong or out of
    range), and the first day of the following month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        first = None
    first = first or today.replace(day=1)
    return first, date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
