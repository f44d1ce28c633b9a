"""A contract's hours used over time, for the burn-down chart (contract tab, CIC widget)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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


def attach_usage(contracts: Sequence[Contract], today: date | None = None) -> None:
    """Set `contract.usage` on every contract: one query for all over the hourly usage rows
    (`ContractHourUsage`), days in the viewer's zone."""
    if not contracts:
        return
    today = today or timezone.localdate()
    rows = (
        ContractHourUsage.objects.filter(contract__in=[c.pk for c in contracts])
        .annotate(day=TruncDate("hour", tzinfo=timezone.get_current_timezone()))
        .values_list("contract", "day")
        .annotate(total=Sum("minutes"))
        .order_by("contract", "day")
    )
    by_contract: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for contract_id, day, minutes in rows:
        by_contract[contract_id].append((day, minutes))
    for contract in contracts:
        usage = Usage()
        if contract.has_hour_restriction:
            usage.limit = contract.contract_hours
            usage.threshold = contract.hours_notification_threshold
        booked = by_contract.get(contract.pk, [])
        if not booked or contract.start_date < booked[0][0]:
            usage.days.append(contract.start_date)
            usage.hours.append(Decimal("0.00"))
        total = 0
        for day, minutes in booked:
            total += minutes
            usage.days.append(day)
            usage.hours.append(_hours(total))
        # The line runs on to today (or the end of the contract): no booking is news too.
        last = min(today, contract.end_date) if contract.end_date else today
        if last > usage.days[-1]:
            usage.days.append(last)
            usage.hours.append(usage.hours[-1])
        contract.usage = usage
