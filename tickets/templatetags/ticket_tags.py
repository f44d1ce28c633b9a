"""Small display helpers for ticket templates."""

import re
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()

WARNING_WINDOW = timedelta(hours=1)


@register.filter
def due_class(due) -> str:
    """The colour of a due time: `due-overdue` from its moment on, `due-warning` while it is at
    most an hour ahead, else nothing.

    Both edges are inclusive: a time due exactly now has come, and a time due in exactly an
    hour is "within the hour"; the agent is warned a moment early rather than a moment late."""
    if due is None:
        return ""
    now = timezone.now()
    if due <= now:
        return "due-overdue"
    if due - now <= WARNING_WINDOW:
        return "due-warning"
    return ""


@register.filter
def progress_step(percent) -> int:
    """Nearest Bootstrap width class step (w-25 … w-100): no inline styles under our CSP."""
    percent = int(percent or 0)
    return min(100, max(0, round(percent / 25) * 25))


@register.filter
def agent_name(user, empty: str = "–") -> str:
    """Full name, else username; `empty` for nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.username


EVENT_LABELS = {
    "created": _("Created"),
    "article": _("Article added"),
    "state": _("State"),
    "pending_until": _("Pending until"),
    "lock": _("Locked"),
    "unlock": _("Unlocked"),
    "owner": _("Owner"),
    "responsible": _("Responsible"),
    "queue": _("Queue"),
    "priority": _("Priority"),
    "service": _("Service"),
    "sla": _("SLA"),
    "contract": _("Contract"),
    "type": _("Type"),
    "time": _("Time accounted"),
    "email_sent": _("Email sent"),
    "satisfaction": _("Satisfaction"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action.replace("_", " ").capitalize()))


@register.filter
def iso_datetime(value: str):
    """An ISO timestamp stored as text (event values) as an aware datetime, else the text."""
    try:
        return timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value


@register.filter
def addresses(value: str) -> str:
    """Stored addresses ("a@x,b@y") for reading: "a@x, b@y"."""
    return ", ".join(a for a in (value or "").split(",") if a)


# Where a quoted reply starts: "On … wrote:" (also wrapped over two lines) and its German
# form, Outlook's separator, a Japanese "差出人:" header, or a "From:" header block.
ATTRIBUTION = re.compile(r"^(On\s.*\swrote|Am\s.*\sschrieb\s.*):$", re.IGNORECASE)
SEPARATOR = re.compile(
    r"^-{3,}\s*(Original Message|Ursprüngliche Nachricht)\s*-{3,}$|^差出人\s*[:：]", re.IGNORECASE
)
HEADER_FROM = re.compile(r"^\*?(From|Von)\s*:", re.IGNORECASE)
HEADER_NEXT = re.compile(r"^\*?(Sent|Date|To|Cc|Subject|Gesendet|Datum|An|Betreff)\s*:", re.I)
RULE = re.compile(r"^_{10,}$")  # Outlook draws one above its header block


def _quote_start(lines: list[str]) -> int | None:
    stripped = [line.strip() for line in lines]
    quoted = [line.startswith(">") for line in stripped]
    # From `tail` on every line is quoted or blank; `last` is the last quoted line.
    tail = len(lines)
    while tail and (quoted[tail - 1] or not stripped[tail - 1]):
        tail -= 1
    last = max((i for i, q in enumerate(quoted) if q), default=-1)
    for i, line in enumerate(stripped):
        if not line:
            continue
        if ATTRIBUTION.match(line) or ATTRIBUTION.match(" ".join(stripped[i : i + 2])):
            # Only when a quote follows, and nothing but quote: inline answers stay visible.
            after = i + (1 if ATTRIBUTION.match(line) else 2)
            if after >= tail and last >= after:
                return i
        if SEPARATOR.match(line):
            return i
        if HEADER_FROM.match(line) and any(HEADER_NEXT.match(t) for t in stripped[i + 1 : i + 5]):
            above = next((j for j in range(i - 1, -1, -1) if stripped[j]), None)
            return above if above is not None and RULE.match(stripped[above]) else i
        if quoted[i] and i >= tail:
            return i
    return None


@register.filter
def quote_split(body: str) -> tuple[str, str]:
    """An email body as (new text, quoted tail); the tail is "" when nothing is quoted, or
    when the quote is all there is (nothing would be left to show)."""
    lines = (body or "").splitlines()
    start = _quote_start(lines)
    if start is None:
        return body, ""
    new = "\n".join(lines[:start]).rstrip()
    if not new.strip():
        return body, ""
    return new, "\n".join(lines[start:]).strip("\n")
