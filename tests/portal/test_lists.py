"""`portal:home` (open and resolved requests) and `portal:closed` (the closed search)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def rows(response, section: str) -> list[str]:
    """Ticket numbers inside `data-list="SECTION"`, in order."""
    content = response.content.decode()
    match = re.search(rf'data-list="{section}".*?</section>', content, re.S)
    assert match, f"no section {section}"
    return re.findall(r'data-ticket="([^"]+)"', match.group(0))


def closed_rows(response) -> list[str]:
    return rows(response, "closed")


# --- home ------------------------------------------------------------------------------------


def test_home_splits_open_and_resolved_and_hides_the_rest(portal_client, portal_user):
    mine = {}
    for name in ("new", "open", "pending", "pending_auto_close", "resolved", "closed", "merged"):
        mine[name] = factories.TicketFactory(customer_user=portal_user, state=name).number

    response = portal_client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert sorted(rows(response, "open")) == sorted(
        [mine["new"], mine["open"], mine["pending"], mine["pending_auto_close"]]
    )
    assert rows(response, "resolved") == [mine["resolved"]]


def test_home_counts_follow_the_state_catalogue_as_it_changes(client):
    """Every write of the catalogue, a bulk update included, forgets the cached state ids: a
    new state and a state's changed type count at once."""
    from tickets.models import TicketState

    power = factories.PortalUserFactory(is_power_user=True)
    waiting = TicketState.objects.create(name="waiting", label="Waiting", state_type="open")
    factories.TicketFactory(customer_user=power, state="new")
    in_waiting = factories.TicketFactory(customer_user=power, state=waiting)
    client.force_login(power.user)

    response = client.get(reverse("portal:home"))
    assert re.search(rb'data-count="open">2<', response.content)
    assert in_waiting.number in rows(response, "open")

    TicketState.objects.filter(pk=waiting.pk).update(state_type="resolved")
    response = client.get(reverse("portal:home"))
    assert re.search(rb'data-count="open">1<', response.content)
    assert re.search(rb'data-count="resolved">1<', response.content)
    assert rows(response, "resolved") == [in_waiting.number]


def test_home_counts_follow_memberships_as_they_change(client):
    """A power user's customers are read for every request: a membership added or removed
    counts at once."""
    power = factories.PortalUserFactory(is_power_user=True)
    other = factories.CustomerFactory()
    factories.TicketFactory(customer=other, customer_user=factories.CustomerUserFactory())
    client.force_login(power.user)

    assert re.search(rb'data-count="open">0<', client.get(reverse("portal:home")).content)
    power.customers.add(other)
    assert re.search(rb'data-count="open">1<', client.get(reverse("portal:home")).content)
    power.customers.remove(other)
    assert re.search(rb'data-count="open">0<', client.get(reverse("portal:home")).content)


def test_home_normal_user_sees_only_own_requests(portal_client, portal_user):
    own = factories.TicketFactory(customer_user=portal_user)
    colleague = factories.CustomerUserFactory(customer=portal_user.customer)
    factories.TicketFactory(customer_user=colleague)
    factories.TicketFactory()  # another customer's

    response = portal_client.get(reverse("portal:home"))

    assert rows(response, "open") == [own.number]
    assert b"data-caller=" not in response.content


def test_home_power_user_sees_all_tickets_of_its_customers_with_caller(client):
    primary, second = factories.CustomerFactory(), factories.CustomerFactory()
    power = factories.PortalUserFactory(customer=primary, customers=[second], is_power_user=True)
    colleague = factories.CustomerUserFactory(customer=primary)
    now = timezone.now()
    own = factories.TicketFactory(customer_user=power, created_at=now)
    of_colleague = factories.TicketFactory(
        customer_user=colleague, created_at=now - datetime.timedelta(hours=1)
    )
    of_second = factories.TicketFactory(
        customer_user=factories.CustomerUserFactory(customer=second),
        created_at=now - datetime.timedelta(hours=2),
    )
    factories.TicketFactory()  # another customer's
    client.force_login(power.user)

    response = client.get(reverse("portal:home"))

    assert rows(response, "open") == [own.number, of_colleague.number, of_second.number]
    assert f'data-caller="{colleague.login}"'.encode() in response.content


def test_home_lists_paginate_separately(portal_client, portal_user):
    now = timezone.now()
    opened = [
        factories.TicketFactory(
            customer_user=portal_user, created_at=now - datetime.timedelta(minutes=i)
        ).number
        for i in range(12)
    ]
    resolved = [
        factories.TicketFactory(
            customer_user=portal_user,
            state="resolved",
            created_at=now - datetime.timedelta(minutes=i),
        ).number
        for i in range(3)
    ]

    response = portal_client.get(reverse("portal:home"), {"open_page": 2})

    assert rows(response, "open") == opened[10:]
    assert rows(response, "resolved") == resolved
    assert 'data-next-page="open_page"' not in response.content.decode()


def test_home_page_links_keep_the_other_lists_page(portal_client, portal_user):
    for state in ["open"] * 11 + ["resolved"] * 11:
        factories.TicketFactory(customer_user=portal_user, state=state)

    response = portal_client.get(reverse("portal:home"), {"resolved_page": 2})

    body = response.content.decode()
    assert 'href="?resolved_page=2&amp;open_page=2" aria-label="Next page"' in body
    assert 'href="?resolved_page=1" aria-label="Previous page"' in body


@pytest.mark.parametrize("power", [False, True])
def test_home_counts_stop_at_the_cap(client, settings, power):
    settings.PORTAL_COUNT_CAP = 11
    user = factories.PortalUserFactory(is_power_user=power)
    now = timezone.now()
    opened = [
        factories.TicketFactory(customer_user=user, created_at=now - datetime.timedelta(minutes=i))
        for i in range(14)
    ]
    factories.TicketFactory(customer_user=user, state="resolved")
    client.force_login(user.user)

    response = client.get(reverse("portal:home"), {"open_page": 2})

    content = response.content.decode()
    assert 'data-count="open">11+<' in content
    assert 'data-count="resolved">1<' in content
    # like the ticket search, the pages end at the cap
    assert "11–12 of 11+" in content
    assert rows(response, "open") == [t.number for t in opened[10:12]]


def test_closed_search_count_stops_at_the_cap(portal_client, portal_user, settings):
    settings.PORTAL_COUNT_CAP = 2
    for _ in range(3):
        factories.TicketFactory(customer_user=portal_user, state="closed")

    response = portal_client.get(reverse("portal:closed"))

    assert 'data-total="2+"' in response.content.decode()
    assert len(closed_rows(response)) == 3


def test_home_bad_page_number_is_no_500(portal_client, portal_user):
    ticket = factories.TicketFactory(customer_user=portal_user)

    response = portal_client.get(reverse("portal:home"), {"open_page": "abc", "resolved_page": 99})

    assert response.status_code == 200
    assert rows(response, "open") == [ticket.number]


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("power", [False, True])
def test_home_query_count_is_constant(client, django_assert_num_queries, size, power):
    customer = factories.CustomerFactory()
    user = factories.PortalUserFactory(customer=customer, is_power_user=power)
    service = factories.ServiceFactory()
    sub = factories.ServiceFactory(parent=service)
    for i in range(size):
        factories.TicketFactory(
            customer_user=user, state="resolved" if i % 2 else "open", service=sub
        )
    client.force_login(user.user)

    # session, user, customer user (+ a power user's customers), then count + page for each of
    # the two lists
    with django_assert_num_queries(8 if power else 7):
        response = client.get(reverse("portal:home"))

    assert response.status_code == 200


def test_home_anonymous_goes_to_portal_login(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('portal:login')}?next=%2Fportal%2F"


def test_home_deactivated_customer_user_is_logged_out(client):
    user = factories.PortalUserFactory(is_active=False)
    client.force_login(user.user)

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


# --- closed search ---------------------------------------------------------------------------


def closed_ticket(customer_user, *, created, closed, service=None, number=None):
    ticket = factories.TicketFactory(
        customer_user=customer_user,
        state="closed",
        created_at=created,
        service=service,
        **({"number": number} if number else {}),
    )
    type(ticket).objects.filter(pk=ticket.pk).update(closed_at=closed)
    return ticket


def test_closed_lists_only_closed_requests_of_the_user(portal_client, portal_user):
    now = timezone.now()
    mine = closed_ticket(portal_user, created=now, closed=now)
    factories.TicketFactory(customer_user=portal_user, state="resolved")
    factories.TicketFactory(customer_user=portal_user, state="open")
    colleague = factories.CustomerUserFactory(customer=portal_user.customer)
    closed_ticket(colleague, created=now, closed=now)

    response = portal_client.get(reverse("portal:closed"))

    assert response.status_code == 200
    assert closed_rows(response) == [mine.number]


def test_closed_filters_by_reference_dates_and_service(portal_client, portal_user):
    now = timezone.now()
    service = factories.ServiceFactory()
    sub = factories.ServiceFactory(parent=service)
    factories.ContractFactory(customer=portal_user.customer, services=[service])
    old = closed_ticket(
        portal_user,
        created=now - datetime.timedelta(days=40),
        closed=now - datetime.timedelta(days=30),
        number="2026010199990001",
    )
    recent = closed_ticket(
        portal_user,
        created=now - datetime.timedelta(days=5),
        closed=now - datetime.timedelta(days=1),
        service=sub,
        number="2026010199990002",
    )
    day = (now - datetime.timedelta(days=10)).date().isoformat()
    url = reverse("portal:closed")

    assert closed_rows(portal_client.get(url, {"reference": "99990001"})) == [old.number]
    assert closed_rows(portal_client.get(url, {"created_after": day})) == [recent.number]
    assert closed_rows(portal_client.get(url, {"created_before": day})) == [old.number]
    assert closed_rows(portal_client.get(url, {"closed_after": day})) == [recent.number]
    assert closed_rows(portal_client.get(url, {"closed_before": day})) == [old.number]
    assert closed_rows(portal_client.get(url, {"service": service.pk})) == [recent.number]


def test_closed_caller_filter_only_for_power_users(client):
    customer = factories.CustomerFactory()
    power = factories.PortalUserFactory(customer=customer, is_power_user=True)
    normal = factories.PortalUserFactory(customer=customer)
    now = timezone.now()
    of_normal = closed_ticket(normal, created=now, closed=now)
    of_power = closed_ticket(power, created=now, closed=now - datetime.timedelta(hours=1))
    url = reverse("portal:closed")

    client.force_login(power.user)
    assert closed_rows(client.get(url)) == [of_normal.number, of_power.number]
    assert b'name="caller"' in client.get(url).content
    assert closed_rows(client.get(url, {"caller": normal.login})) == [of_normal.number]

    client.force_login(normal.user)
    assert b'name="caller"' not in client.get(url).content
    assert closed_rows(client.get(url, {"caller": power.login})) == [of_normal.number]


def test_closed_power_user_cannot_pick_a_caller_of_another_customer(client):
    power = factories.PortalUserFactory(is_power_user=True)
    stranger = factories.PortalUserFactory()
    now = timezone.now()
    closed_ticket(stranger, created=now, closed=now)
    client.force_login(power.user)

    response = client.get(reverse("portal:closed"), {"caller": stranger.login})

    assert response.status_code == 200
    assert closed_rows(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_closed_bad_dates_are_no_500(portal_client, portal_user):
    now = timezone.now()
    ticket = closed_ticket(portal_user, created=now, closed=now)

    response = portal_client.get(reverse("portal:closed"), {"created_after": "yesterday"})

    assert response.status_code == 200
    content = response.content.decode()
    # the message sits under its own field, which is marked invalid
    assert re.search(
        r'<input type="text" name="created_after" value="yesterday" [^>]*class="[^"]*is-invalid',
        content,
    )
    assert re.search(
        r'id="id_created_after_error"[^>]*>\s*<span[^>]*><strong>Enter a valid date', content
    )
    assert closed_rows(response) == [ticket.number]


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("power", [False, True])
def test_closed_query_count_is_constant(client, django_assert_num_queries, size, power):
    customer = factories.CustomerFactory()
    user = factories.PortalUserFactory(customer=customer, is_power_user=power)
    service = factories.ServiceFactory()
    factories.ContractFactory(customer=customer, services=[service])
    now = timezone.now()
    for _ in range(size):
        closed_ticket(user, created=now, closed=now, service=service)
    client.force_login(user.user)

    # session, user, customer user, count, page, service choices (+ a power user's customers
    # and the caller choices)
    with django_assert_num_queries(8 if power else 6):
        response = client.get(reverse("portal:closed"), {"reference": "2026"})

    assert response.status_code == 200


# --- power-user counts (portal_count) ----------------------------------------------------------


def _badge(response, attr: str, name: str) -> int:
    match = re.search(rf'data-{attr}="{name}"[^>]*>(\d+)<', response.content.decode())
    assert match, f"no data-{attr}={name}"
    return int(match.group(1))


def test_power_user_counts_are_its_customers_tickets_plus_its_own_elsewhere(client):
    """The counts are summed from two disjoint parts (its customers' tickets; its own tickets
    of other or no customers): each ticket counts once, others' tickets never."""
    primary = factories.CustomerFactory()
    member = factories.CustomerFactory()
    foreign = factories.CustomerFactory()
    power = factories.PortalUserFactory(customer=primary, is_power_user=True)
    power.customers.add(primary, member)
    colleague = factories.CustomerUserFactory(customer=primary)
    stranger = factories.CustomerUserFactory(customer=foreign)
    visible_open = [
        factories.TicketFactory(customer_user=power, customer=primary, state="open"),
        factories.TicketFactory(customer_user=colleague, customer=primary, state="new"),
        factories.TicketFactory(customer_user=stranger, customer=member, state="pending"),
        factories.TicketFactory(customer_user=power, customer=foreign, state="open"),
        factories.TicketFactory(customer_user=power, customer=None, state="open"),
    ]
    factories.TicketFactory(customer_user=stranger, customer=foreign, state="open")
    for customer_user, customer in [(power, foreign), (colleague, member), (power, None)]:
        factories.TicketFactory(customer_user=customer_user, customer=customer, state="closed")
    factories.TicketFactory(customer_user=stranger, customer=foreign, state="closed")
    factories.TicketFactory(customer_user=power, customer=primary, state="resolved")
    client.force_login(power.user)

    home = client.get(reverse("portal:home"))
    closed = client.get(reverse("portal:closed"))
    filtered = client.get(reverse("portal:closed"), {"caller": power.login})

    assert _badge(home, "count", "open") == len(visible_open) == len(rows(home, "open"))
    assert _badge(home, "count", "resolved") == 1
    assert _badge(closed, "total", "3") == 3
    assert len(closed_rows(closed)) == 3
    assert _badge(filtered, "total", "2") == 2
    assert len(closed_rows(filtered)) == 2


def test_closed_date_filters_take_whole_days_of_the_local_time_zone(portal_client, portal_user):
    """The date filters compare the timestamp as a range (index-friendly): a request closed at
    00:00 or 23:59:59 local time of a day is inside that day, never inside the next."""
    day = datetime.date(2026, 3, 10)
    local = timezone.get_current_timezone()
    first = closed_ticket(
        portal_user,
        created=datetime.datetime(2026, 3, 1, tzinfo=local),
        closed=datetime.datetime.combine(day, datetime.time.min, tzinfo=local),
    )
    last = closed_ticket(
        portal_user,
        created=datetime.datetime(2026, 3, 1, tzinfo=local),
        closed=datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=local),
    )
    url = reverse("portal:closed")
    before, on, after = (day - datetime.timedelta(days=1)), day, (day + datetime.timedelta(days=1))

    both = sorted([first.number, last.number])
    assert sorted(closed_rows(portal_client.get(url, {"closed_after": on}))) == both
    assert sorted(closed_rows(portal_client.get(url, {"closed_before": on}))) == both
    assert closed_rows(portal_client.get(url, {"closed_after": after})) == []
    assert closed_rows(portal_client.get(url, {"closed_before": before})) == []
    assert sorted(closed_rows(portal_client.get(url, {"created_before": "2026-03-01"}))) == both
    assert closed_rows(portal_client.get(url, {"created_after": "2026-03-02"})) == []


def test_closed_list_shows_the_close_date_it_is_ordered_by(portal_client, portal_user):
    older = closed_ticket(
        portal_user,
        created=timezone.make_aware(datetime.datetime(2026, 1, 5, 12)),
        closed=timezone.make_aware(datetime.datetime(2026, 2, 1, 12)),
    )
    newer = closed_ticket(
        portal_user,
        created=timezone.make_aware(datetime.datetime(2026, 1, 1, 12)),
        closed=timezone.make_aware(datetime.datetime(2026, 3, 1, 12)),
    )

    response = portal_client.get(reverse("portal:closed"))
    body = response.content.decode()

    assert closed_rows(response) == [newer.number, older.number]
    assert re.findall(r"<td[^>]*data-closed><time[^>]*>([^<]*)</time>", body) == [
        "2026-03-01",
        "2026-02-01",
    ]
    assert '<th class="d-none d-lg-table-cell">Closed</th>' in body
