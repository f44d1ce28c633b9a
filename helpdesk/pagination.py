"""Paginators whose total is not a plain `COUNT(*)` of the page's queryset."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


def capped_label(count: int, cap: int) -> str:
    """A count that stopped at `cap + 1`, as people read it: "6,346", or "10,000+"."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


def capped_total(counts: list[int], cap: int) -> str:
    """The sum of counts that each stopped at `cap + 1`: exact, or "at least" ("3,000+") when
    one of them stopped."""
    if any(count > cap for count in counts):
        return f"{sum(min(count, cap) for count in counts):,}+"
    return f"{sum(counts):,}"


class CappedPaginator(Paginator):
    """Counts at most `cap` matches: `COUNT(*)` over a million visible tickets costs more than
    the page itself, and nobody pages past the first few hundred rows. Beyond the cap
    (`cap`, by default `LIST_COUNT_CAP`) the total shows as "more than" it and the last page is
    the one at it."""

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = settings.LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        # Without the list's ordering: sorting every match before the cap cuts it costs more
        # than counting them.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return capped_label(self.count, self.cap)


class CountedPaginator(CappedPaginator):
    """A capped paginator whose total comes from `total(limit)`, a count of at most `limit`
    rows written so an index answers it (`portal.selectors.portal_count`), while the pages
    come from `object_list`."""

    def __init__(self, object_list, per_page, total, cap: int | None = None):
        super().__init__(object_list, per_page, cap=cap)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total(self.cap + 1)
