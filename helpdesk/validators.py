"""Validators for values typed by people (and read from CSV files), shared by every form."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# NUL, line breaks, escapes and DEL: never part of a key, a login or a one-line value.
CONTROL_RANGE = r"\x00-\x1f\x7f"
CONTROL_CHARACTERS = re.compile(f"[{CONTROL_RANGE}]")


def has_control_characters(value) -> bool:
    return bool(CONTROL_CHARACTERS.search(str(value)))


# A customer user's login names it in URLs, the portal's sign-in and the CSV import: letters
# (any script), digits and . @ _ + - (Django's own rule for user names), nothing else.
login_validator = RegexValidator(
    r"^[\w.@+-]+\Z",
    _("Use only letters, digits and . @ _ + - in a login (no spaces or line breaks)."),
    code="invalid_login",
)

# Dates people type: far enough for any real contract or filter, and far from the ends of
# Python's calendar, where converting between time zones overflows.
FIRST_YEAR = 1900
LAST_YEAR = 2200


def validate_sane_date(value: datetime.date | datetime.datetime | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            gettext("Enter a date between the years %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def validate_language(value: str) -> None:
    """A language the site has a catalogue for (`settings.LANGUAGES`)."""
    from .i18n import language_valid

    if value and not language_valid(value):
        raise ValidationError(
            "%(value)s is not a language of this site.",
            code="invalid_language",
            params={"value": value},
        )


def validate_time_zone(value: str) -> None:
    """An IANA zone a person can pick, e.g. `Europe/Berlin`."""
    from .i18n import zone_valid

    if value and not zone_valid(value):
        raise ValidationError(
            "%(value)s is not a time zone; use a name such as Europe/Berlin.",
            code="invalid_time_zone",
            params={"value": value},
        )
