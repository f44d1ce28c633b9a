"""The search rules of the CIC and CUIC dialogs (DESIGN §5 "Search dialogs").

At least two characters; `*` is a wildcard for any run of characters; every term also matches
as a substring; `**` lists everything; case-insensitive; only active records; at most
`RESULT_LIMIT` shown together with the total count.

Each whitespace-separated term becomes one `LIKE` pattern (`%part%part%`) that must match at
least one of the searched fields; all terms must match. The pattern is compared in upper case
on both sides, so it behaves the same on PostgreSQL and SQLite.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, Lookup, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, Concat

from customers.models import Customer, CustomerUser

MIN_LENGTH = 2
RESULT_LIMIT = 20
LIST_ALL = "**"


class UpperLike(Lookup):
    """`UPPER(lhs) LIKE UPPER(pattern) ESCAPE '\\'` with a pattern we built (no user `%`)."""

    lookup_name = "hd_upper_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"UPPER({lhs}) LIKE UPPER({rhs}) ESCAPE '\\'", [*lhs_params, *rhs_params]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_pattern(term: str) -> str:
    """`ac*me` → `%AC%ME%`: wildcards become any run, and the whole term is a substring."""
    parts = [_escape_like(part) for part in term.split("*")]
    return f"%{'%'.join(parts)}%"


def _terms_filter(query: str, fields: list) -> Q:
    condition = Q()
    for term in query.split():
        pattern = term_pattern(term)
        any_field = Q()
        for field in fields:
            any_field |= Q(UpperLike(field, Value(pattern, output_field=CharField())))
        condition &= any_field
    return condition


@dataclass(frozen=True)
class SearchResult:
    too_short: bool
    total: int
    hits: list


def is_searchable(query: str) -> bool:
    return len(query.strip()) >= MIN_LENGTH


def _unindexed(name: str):
    """The column as an expression that sorts the same but matches no index.

    The typed-terms query counts every match (`COUNT(*) OVER ()`), yet PostgreSQL costs
    `LIMIT 20` as if it could stop early and walks the name-order index of `**` instead of the
    trigram indexes, filtering every row."""
    return Cast(Concat(F(name), Value("")), output_field=CharField())


def _search(qs: QuerySet, query: str, fields: list, order: list[str]) -> SearchResult:
    """The hits are the first `RESULT_LIMIT` rows of `qs` in `order`.

    `**` counts and reads the first rows in order (an index in that order serves both).
    Typed terms find their matches once: the first ids in order with the total as a window
    count (`COUNT(*) OVER ()`, no second scan of the matches), then those rows with their
    relations. Either way two queries.
    """
    query = query.strip()
    if not is_searchable(query):
        return SearchResult(too_short=True, total=0, hits=[])
    if query == LIST_ALL:
        qs = qs.order_by(*order)
        total = qs.count()
        hits = list(qs[:RESULT_LIMIT]) if total else []
        return SearchResult(too_short=False, total=total, hits=hits)
    first = list(
        qs.filter(_terms_filter(query, fields))
        .order_by(*(_unindexed(name) for name in order), "pk")
        .annotate(search_total=Window(Count("pk")))
        .values_list("pk", "search_total")[:RESULT_LIMIT]
    )
    if not first:
        return SearchResult(too_short=False, total=0, hits=[])
    by_pk = {obj.pk: obj for obj in qs.filter(pk__in=[pk for pk, _ in first])}
    hits = [by_pk[pk] for pk, _ in first if pk in by_pk]
    return SearchResult(too_short=False, total=first[0][1], hits=hits)


def search_customers(query: str) -> SearchResult:
    """Active customers by customer ID or name."""
    qs = Customer.objects.active()
    return _search(qs, query, [F("customer_id"), F("name")], ["customer_id"])


def search_customer_users(query: str, *, customer: Customer | None = None) -> SearchResult:
    """Active customer users by login, first, last or full name, or email; with `customer`,
    only its users (primary or member)."""
    full_name = Concat("first_name", Value(" "), "last_name", output_field=CharField())
    qs = CustomerUser.objects.active().select_related("customer")
    if customer is not None:
        qs = qs.of_customer(customer)
    # First and last name are searched through the full name: every pattern is `%…%`, so a
    # match in either is a match in "first last" too, and each row is checked against fewer
    # patterns.
    fields = [F("login"), full_name, F("email")]
    return _search(qs, query, fields, ["last_name", "first_name", "login"])


def search_agents(query: str) -> SearchResult:
    """Active agents by user name, first, last or full name, or email."""
    full_name = Concat("first_name", Value(" "), "last_name", output_field=CharField())
    qs = get_user_model().objects.filter(is_staff=True, is_active=True)
    fields = [F("username"), full_name, F("email")]
    return _search(qs, query, fields, ["last_name", "first_name", "username"])


__all__ = [
    "LIST_ALL",
    "MIN_LENGTH",
    "RESULT_LIMIT",
    "SearchResult",
    "is_searchable",
    "search_agents",
    "search_customer_users",
    "search_customers",
    "term_pattern",
]
