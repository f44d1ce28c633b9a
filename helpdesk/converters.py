"""URL path converters for natural keys (ticket numbers, customer IDs, logins).

Like Django's `str` and `path`, but a control character (NUL, line break, …) never matches:
such a path answers 404 before any view runs, instead of reaching a lookup (PostgreSQL
refuses a NUL in a string outright).
"""

from django.urls.converters import PathConverter, StringConverter

from .validators import CONTROL_RANGE


class KeyConverter(StringConverter):
    """One path segment without control characters: `<key:number>`."""

    regex = rf"[^/{CONTROL_RANGE}]+"


class KeyPathConverter(PathConverter):
    """Like `key`, slashes allowed (logins and customer IDs may hold them): `<keypath:login>`."""

    regex = rf"[^{CONTROL_RANGE}]+"
