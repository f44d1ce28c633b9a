"""Hostile input: stored XSS renders escaped, outside HTML is sanitised, parameters accept only
declared values, and odd input (too long, wrong type, unknown id, non-UTF-8 names) answers a
clear 4xx or form error, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from customers.forms import CustomerForm
from customers.models import Customer
from helpdesk.sanitize import clean_html
from tests import factories
from tickets.forms import TimeForm
from tickets.models import Article, Ticket, TimeEntry

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_escaped(response):
    body = response.content.decode()
    assert response.status_code == 200
    assert XSS not in body
    assert "<script>alert" not in body
    assert "onerror=alert(1)>" not in body.replace("onerror=alert(1)&gt;", "")
    assert ESCAPED in body


@pytest.fixture
def hostile(agent, queue, portal_user):
    """A ticket, article, customer, contact and attachment name all carrying the payload."""
    customer = portal_user.customer
    Customer.objects.filter(pk=customer.pk).update(name=XSS)
    portal_user.first_name = XSS
    portal_user.save()
    ticket = factories.TicketFactory(
        queue=queue, customer_user=portal_user, title=XSS, state="open"
    )
    article = factories.ArticleFactory(
        ticket=ticket, body=XSS, subject=XSS, is_public=True, sender_type="customer"
    )
    factories.AttachmentFactory(article=article, filename=XSS)
    return ticket


def test_ticket_zoom_escapes_title_body_names_and_file_names(agent_client, hostile):
    _assert_escaped(agent_client.get(reverse("tickets:detail", args=[hostile.number])))


def test_portal_detail_escapes_title_body_and_file_names(portal_client, hostile):
    _assert_escaped(portal_client.get(reverse("portal:detail", args=[hostile.number])))


def test_portal_lists_escape_titles_and_caller_names(client, hostile):
    """The title and, for a power user, the caller's name come out escaped in the open and the
    closed list."""
    power = hostile.customer_user
    power.is_power_user = True
    power.save()
    factories.TicketFactory(customer_user=power, customer=power.customer, title=XSS, state="closed")
    client.force_login(power.user)

    for response in (
        client.get(reverse("portal:home")),
        client.get(reverse("portal:closed")),
        client.get(reverse("portal:closed"), {"reference": XSS}),
    ):
        _assert_escaped(response)


@pytest.mark.parametrize(
    ("url_name", "kind"),
    [
        ("customers:list", None),
        ("customers:contacts", "customer"),
        ("dashboards:cic-customer", "customer"),
        ("dashboards:cuic-user", "login"),
    ],
)
def test_customer_and_contact_names_render_escaped(agent_client, hostile, url_name, kind):
    args = {
        None: [],
        "customer": [hostile.customer.customer_id],
        "login": [hostile.customer_user.login],
    }[kind]

    _assert_escaped(agent_client.get(reverse(url_name, args=args)))


@pytest.mark.parametrize(
    ("dashboard", "widget"),
    [
        ("cic", "open-tickets"),  # the ticket title
        ("cic", "customer-users"),  # the customer user's name
        ("cuic", "customer-ids"),  # the customer's name
        ("cuic", "open-tickets"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_list_widgets_render_escaped(agent_client, hostile, dashboard, widget, htmx):
    """The list widgets escape names and titles, as a fragment and as a page of their own."""
    subject = {
        "cic": hostile.customer.customer_id,
        "cuic": hostile.customer_user.login,
    }[dashboard]
    url = reverse("dashboards:widget", args=[dashboard, subject, widget])

    response = agent_client.get(
        url,
        {"filter": "all"} if "tickets" in widget else {},
        headers={"HX-Request": "true"} if htmx else {},
    )

    _assert_escaped(response)


def test_ticket_list_escapes_the_title_and_the_search_term(agent_client, hostile):
    response = agent_client.get(reverse("tickets:list"), {"q": XSS})

    assert response.status_code == 200
    assert XSS not in response.content.decode()


def test_dashboard_search_escapes_names_and_the_search_term(agent_client, hostile):
    response = agent_client.get(
        reverse("dashboards:search"),
        {"q": "<script>", "kind": "customer", "dashboard": "cic"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_widget_answers_an_unknown_filter_name_without_echoing_it(agent_client, hostile):
    url = reverse("dashboards:widget", args=["cic", hostile.customer.customer_id, "open-tickets"])

    response = agent_client.get(url, {"filter": XSS}, headers={"HX-Request": "true"})

    assert response.status_code in (200, 422)
    assert XSS not in response.content.decode()


def test_clean_html_removes_script_handlers_and_remote_images():
    dirty = (
        '<p onclick="steal()">Hello<script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif"><img src="cid:logo">'
        '<a href="javascript:alert(1)">x</a><a href="https://ok.example">y</a>'
        "<style>body{display:none}</style></p>"
    )

    assert clean_html(dirty) == (
        '<p>Hello<img><img src="cid:logo"><a rel="noopener noreferrer nofollow">x</a>'
        '<a href="https://ok.example" rel="noopener noreferrer nofollow">y</a></p>'
    )


SQLISH = ["' OR 1=1 --", "1; DROP TABLE tickets_ticket; --", "-1", "9" * 30, "%00", "é\u202e"]


@pytest.mark.parametrize("value", SQLISH)
@pytest.mark.parametrize(
    "param",
    ["q", "customer", "customer_user", "category", "state", "queue", "owner", "locked",
     "escalated", "created_after", "closed_before", "page", "sort", "o"],
)  # fmt: skip
def test_ticket_list_parameters_never_fail(agent_client, queue, param, value):
    factories.TicketFactory(queue=queue)

    response = agent_client.get(reverse("tickets:list"), {param: value})

    assert response.status_code in (200, 422)


@pytest.mark.parametrize("value", SQLISH)
@pytest.mark.parametrize("param", ["filter", "scope", "page", "page_size"])
def test_widget_parameters_accept_only_declared_values(agent_client, customer, param, value):
    url = reverse("dashboards:widget", args=["cic", customer.customer_id, "open-tickets"])

    response = agent_client.get(url, {param: value}, headers={"HX-Request": "true"})

    assert response.status_code in (200, 422)


@pytest.mark.parametrize("value", SQLISH)
@pytest.mark.parametrize("param", ["q", "kind", "dashboard"])
def test_dashboard_search_parameters_never_fail(agent_client, customer, param, value):
    params = {"q": "a", "kind": "customer", "dashboard": "cic", param: value}

    response = agent_client.get(reverse("dashboards:search"), params)

    assert response.status_code in (200, 422)


@pytest.mark.parametrize("value", SQLISH)
@pytest.mark.parametrize(
    "param",
    ["reference", "created_after", "closed_before", "service", "caller", "page"],
)
def test_portal_closed_search_parameters_never_fail(portal_client, param, value):
    response = portal_client.get(reverse("portal:closed"), {param: value})

    assert response.status_code in (200, 422)


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("tickets:detail", ["0000"]),
        ("tickets:detail", ["1 OR 1=1"]),
        ("tickets:attachment", [2**70]),
        ("portal:detail", ["x" * 300]),
        ("portal:attachment", [2**70]),
        ("dashboards:cic-customer", ["no-such-customer"]),
        ("dashboards:cuic-user", ["no-such-login"]),
        ("customers:settings", ["no-such-customer"]),
    ],
)
def test_unknown_ids_answer_404(client, agent, portal_user, url_name, args):
    client.force_login(portal_user.user if url_name.startswith("portal") else agent)

    response = client.get(reverse(url_name, args=args))

    assert response.status_code == 404


def test_over_long_ticket_title_is_a_form_error_and_creates_nothing(agent_client, queue):
    customer_user = factories.CustomerUserFactory()

    response = agent_client.post(
        reverse("tickets:new-phone"),
        {
            "customer": customer_user.customer.customer_id,
            "customer_user": customer_user.login,
            "title": "x" * 10_000,
            "body": "b",
            "queue": queue.pk,
        },
    )

    assert response.status_code == 422
    assert b"at most 255 characters" in response.content
    assert Ticket.objects.count() == 0


def test_wrong_types_in_time_form_are_form_errors(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue, state="open")

    response = agent_client.post(
        reverse("tickets:add-time", args=[ticket.number]), {"minutes": "ten", "note": "n"}
    )

    assert response.status_code == 422
    assert b"Enter a whole number." in response.content
    assert TimeEntry.objects.count() == 0


def test_non_utf8_file_name_is_handled_without_a_500(portal_client, portal_user, queue):
    ticket = factories.TicketFactory(queue=queue, customer_user=portal_user, state="open")
    boundary = "BoUnDaRy"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="comment"\r\n\r\n'
        "see file\r\n"
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="attachments"; filename="r\xe9sum\xff.txt"\r\n'
        + b"Content-Type: text/plain\r\n\r\nhello\r\n"
        + f"--{boundary}--\r\n".encode()
    )

    response = portal_client.post(
        reverse("portal:update", args=[ticket.number]),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code in (302, 400)
    for name in Article.objects.filter(ticket=ticket).values_list(
        "attachments__filename", flat=True
    ):
        assert name is None or name.encode("utf-8")


@HYPOTHESIS
@given(data=from_form(TimeForm))
def test_time_form_input_never_fails(agent, queue, data):
    ticket = factories.TicketFactory(queue=queue, state="open")
    client = Client()
    client.force_login(agent)
    fields = {k: v for k, v in data.data.items() if v is not None}

    response = client.post(reverse("tickets:add-time", args=[ticket.number]), fields)

    assert response.status_code in (200, 302, 422)


@HYPOTHESIS
@given(data=from_form(CustomerForm))
def test_customer_form_input_never_fails(admin_user, data):
    client = Client()
    client.force_login(admin_user)
    fields = {k: v for k, v in data.data.items() if v is not None}

    response = client.post(reverse("customers:create"), fields)

    assert response.status_code in (302, 422)


@HYPOTHESIS
@given(q=st.text(max_size=200))
def test_ticket_search_text_never_fails(agent, q):
    client = Client()
    client.force_login(agent)

    response = client.get(reverse("tickets:list"), {"q": q.replace("\x00", "")})

    assert response.status_code in (200, 422)
