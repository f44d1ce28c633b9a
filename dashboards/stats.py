"""Tickets created and closed per day, for the agent dashboard's Ticket stats widget.

Counting a week of tickets on every page view reads every ticket of that week, which grows
with the desk. Instead the counts per hour and queue are refreshed from the tickets every few
minutes (`ticket_stats_refresh`, run by beat and by `manage.py refresh_ticket_stats`), and the
widget adds up at most `DAYS` × 24 rows per queue in the agent's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from tickets.models import Ticket

from .models import TicketHourStat

DAYS = 7
# A refresh recounts this far back: a ticket moved to another queue, merged or removed since
# is counted where it is now.
REFRESH_DAYS = DAYS + 1


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC")).replace(minute=0, second=0, microsecond=0)


def ticket_stats_refresh(now: datetime | None = None) -> int:
    """Recount created and closed tickets per hour and queue for the last `REFRESH_DAYS` days;
    hours that no longer have any lose their row. Idempotent. Returns the rows written."""
    now = now or timezone.now()
    start = _hour(now) - timedelta(days=REFRESH_DAYS)
    counts: dict[tuple[datetime, int], list[int]] = {}
    for column, index in (("created_at", 0), ("closed_at", 1)):
        rows = (
            Ticket.objects.filter(**{f"{column}__gte": start})
            .annotate(bucket=TruncHour(column, tzinfo=ZoneInfo("UTC")))
            .values("bucket", "queue_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts.setdefault((row["bucket"], row["queue_id"]), [0, 0])[index] = row["n"]
    stats = [
        TicketHourStat(hour=hour, queue_id=queue, created=c, closed=d, refreshed_at=now)
        for (hour, queue), (c, d) in counts.items()
    ]
    with transaction.atomic():
        TicketHourStat.objects.filter(hour__lt=start).delete()
        TicketHourStat.objects.bulk_create(
            stats,
            update_conflicts=True,
            unique_fields=["hour", "queue"],
            update_fields=["created", "closed", "refreshed_at"],
            batch_size=1000,
        )
        # Hours whose tickets all moved away or were deleted since the last refresh.
        TicketHourStat.objects.filter(hour__gte=start, refreshed_at__lt=now).delete()
    return len(stats)


@dataclass(frozen=True)
class DayStat:
    day: date
    created: int
    closed: int


@dataclass(frozen=True)
class TicketStats:
    days: list[DayStat]
    refreshed_at: datetime | None

    @property
    def created_total(self) -> int:
        return sum(d.created for d in self.days)

    @property
    def closed_total(self) -> int:
        return sum(d.closed for d in self.days)

    @property
    def chart_data(self) -> dict:
        return {
            "days": [d.day.isoformat() for d in self.days],
            "created": [d.created for d in self.days],
            "closed": [d.closed for d in self.days],
        }


def ticket_stats(queue_ids: list[int] | None, now: datetime | None = None) -> TicketStats:
    """Created and closed per day over the last `DAYS` days (today included) in the current
    time zone, over the given queues (None: every queue)."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    first = today - timedelta(days=DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = TicketHourStat.objects.filter(hour__gte=start)
    if queue_ids is not None:
        rows = rows.filter(queue_id__in=queue_ids)
    per_day = {
        row["day"]: row
        for row in rows.annotate(day=TruncDate("hour", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            created_sum=Sum("created"), closed_sum=Sum("closed"), refreshed=Max("refreshed_at")
        )
        .order_by()
    }
    days_out = []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        row = per_day.get(day, {})
        days_out.append(DayStat(day, row.get("created_sum") or 0, row.get("closed_sum") or 0))
    refreshed = max((row["refreshed"] for row in per_day.values()), default=None)
    return TicketStats(days=days_out, refreshed_at=refreshed)
