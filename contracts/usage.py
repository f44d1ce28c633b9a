"""A contract's hours used over time, for the burn-down chart (contract tab, CIC widget)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Contract, ContractHourUsage


@dataclass
class Usage:
    """Cumulative hours at the end of each day with time booked, from the start to today."""

    days: list[date] = field(default_factory=list)
    hours: list[Decimal] = field(default_factory=list)
    limit: Decimal | None = None
    threshold: Decimal | None = None

    @property
    def points(self) -> list[tuple[date, Decimal]]:
        return list(zip(self.days, self.hours, strict=True))

    def chart_data(self) -> dict:
        """What the chart script reads (json_script): days as ISO dates, hours as numbers."""
        return {
            "days": [day.isoformat() for day in self.days],
            "hours": [float(hours) for hours in self.hours],
            "limit": float(self.limit) if self.limit is not None else None,
            "threshold": float(self.threshold) if self.threshold is not None else None,
        }


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


# The chart spans at most this many days back from today: the hours used before that are its
# starting point, so it reads at most this many days of hourly rows however old the contract.
WINDOW_DAYS = 90


def attach_usage(contracts: Sequence[Contract], today: date | None = None) -> None:
    """Set `contract.usage` on every contract: one query for all over the hourly usage rows
    (`ContractHourUsage`) of the last `WINDOW_DAYS` days, days in the viewer's zone."""
    if not contracts:
        return
    today = today or timezone.localdate()
    # Each chart ends today or on the contract's end, and starts `WINDOW_DAYS` before that.
    last_days = {c.pk: min(today, c.end_date) if c.end_date else today for c in contracts}
    first_days = {pk: day - timedelta(days=WINDOW_DAYS) for pk, day in last_days.items()}
    since = timezone.make_aware(datetime.combine(min(first_days.values()), datetime.min.time()))
    rows = (
        ContractHourUsage.objects.filter(contract__in=[c.pk for c in contracts], hour__gte=since)
        .annotate(day=TruncDate("hour", tzinfo=timezone.get_current_timezone()))
        .values_list("contract", "day")
        .annotate(total=Sum("minutes"))
        .order_by("contract", "day")
    )
    by_contract: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for contract_id, day, minutes in rows:
        if day >= first_days[contract_id]:
            by_contract[contract_id].append((day, minutes))
    for contract in contracts:
        usage = Usage()
        if contract.has_hour_restriction:
            usage.limit = contract.contract_hours
            usage.threshold = contract.hours_notification_threshold
        booked = by_contract.get(contract.pk, [])
        # What was booked before the window (the stored total minus the window's bookings).
        total = max(0, contract.minutes_used - sum(minutes for _, minutes in booked))
        start = max(contract.start_date, first_days[contract.pk])
        if not booked or start < booked[0][0]:
            usage.days.append(start)
            usage.hours.append(_hours(total))
        for day, minutes in booked:
            total += minutes
            usage.days.append(day)
            usage.hours.append(_hours(total))
        # The line runs on to today (or the end of the contract): no booking is news too.
        last = last_days[contract.pk]
        if last > usage.days[-1]:
            usage.days.append(last)
            usage.hours.append(usage.hours[-1])
        contract.usage = usage
