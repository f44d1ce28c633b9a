"""`{{ value|local_time }}`: the one way a point in time is shown (DESIGN §6).

A `<time>` element whose `datetime` is ISO 8601 with the offset and whose text is the time in
the current time zone, in the current language's short format (`2026-01-02 10:00` in English,
`2026/01/02 10:00` in Japanese). The style argument changes only the visible text:

- `"date"`: the day (a list column too narrow for the time);
- `"age"`: how long ago (`2 days 3 hours`), the absolute time as the title;
- `"natural"`: relative to now (`in 3 hours`, `5 minutes ago`), the absolute time as the title.

Dates without a time of day (a contract's start and end) are not points in time: they show as
`|date:"SHORT_DATE_FORMAT"`.
"""

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def local_time(value, style: str = "") -> str:
    """`<time datetime="2026-01-02T10:00:00+01:00">2026-01-02 10:00</time>`; "" for no time."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.template_localtime(value)
    absolute = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    iso = local.isoformat(timespec="seconds")
    if style == "date":
        day = formats.date_format(local, "SHORT_DATE_FORMAT")
        return format_html('<time datetime="{}">{}</time>', iso, day)
    if style == "age":
        text = timesince(value).replace(",", "")
    elif style == "natural":
        text = naturaltime(value)
    else:
        return format_html('<time datetime="{}">{}</time>', iso, absolute)
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, absolute, text)


@register.filter
def local_text(value) -> str:
    """A point in time as plain text with its zone, for emails: `2027/01/15 09:30 JST`."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.template_localtime(value)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {local.strftime('%Z')}"
