"""`{{ value|local_time }}`: the one way a point in time is shown (DESIGN §6).

A `<time>` element whose `datetime` is ISO 8601 with the offset and whose text is the time in
the current time zone, `YYYY-MM-DD HH:MM`. The style argument changes only the visible text:

- `"date"`: the day, `YYYY-MM-DD` (a list column too narrow for the time);
- `"age"`: how long ago (`2 days 3 hours`), the absolute time as the title;
- `"natural"`: relative to now (`in 3 hours`, `5 minutes ago`), the absolute time as the title.

Dates without a time of day (a contract's start and end) are not points in time: they show as
`|date:"Y-m-d"`.
"""

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()

FORMAT = "%Y-%m-%d %H:%M"


@register.filter
def local_time(value, style: str = "") -> str:
    """`<time datetime="2026-01-02T10:00:00+01:00">2026-01-02 10:00</time>`; "" for no time."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.template_localtime(value)
    absolute = local.strftime(FORMAT)
    iso = local.isoformat(timespec="seconds")
    if style == "date":
        return format_html('<time datetime="{}">{}</time>', iso, local.date().isoformat())
    if style == "age":
        text = timesince(value).replace(",", "")
    elif style == "natural":
        text = naturaltime(value)
    else:
        return format_html('<time datetime="{}">{}</time>', iso, absolute)
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, absolute, text)
