"""Per-agent dashboard preferences: order, on/off, tab and page size (DESIGN §5, §6)."""

import pytest
from django.urls import reverse

from dashboards.models import DashboardPreference
from tests import factories

from .helpers import HX, active_tab, markers, widget_url

pytestmark = pytest.mark.django_db

CIC_DEFAULT = [
    "customer-users",
    "reminder-tickets",
    "escalated-tickets",
    "new-tickets",
    "open-tickets",
    "settings",
    "company-status",
    "customer-information",
]


def page_widgets(client, customer_id="ACME"):
    html = client.get(reverse("dashboards:cic-customer", args=[customer_id])).content.decode()
    return markers(html, "widget")


def post(client, dashboard="cic", htmx=True, **data):
    return client.post(
        reverse("dashboards:preferences", args=[dashboard]), data, headers=HX if htmx else {}
    )


def snapshot():
    return list(
        DashboardPreference.objects.order_by("user_id", "dashboard", "widget").values_list(
            "user_id", "dashboard", "widget", "position", "enabled", "filter", "scope", "page_size"
        )
    )


def test_page_shows_every_widget_in_default_order(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    assert page_widgets(agent_client) == CIC_DEFAULT


def test_page_renders_widget_bodies_and_htmx_only_refreshes_them(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    html = agent_client.get(reverse("dashboards:cic-customer", args=["ACME"])).content.decode()

    assert markers(html, "widget-body") == CIC_DEFAULT
    assert f'hx-get="{widget_url("cic", "ACME", "new-tickets")}"' in html
    assert 'hx-trigger="load' not in html
    assert html.count('hx-trigger="refresh-') == len(CIC_DEFAULT)


def test_reorder_persists_across_reloads(agent_client):
    factories.CustomerFactory(customer_id="ACME")
    order = ["open-tickets", "customer-users", "new-tickets", "company-status", "settings"]

    response = post(agent_client, order=order)

    assert response.status_code == 204
    assert page_widgets(agent_client) == [
        "open-tickets",
        "customer-users",
        "new-tickets",
        "reminder-tickets",
        "escalated-tickets",
        "company-status",
        "settings",
        "customer-information",
    ]


def test_disable_hides_the_widget_and_settings_reenables_it(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    closed = post(agent_client, widget="new-tickets", close="1")
    assert closed.status_code == 200
    assert closed.content == b""
    assert "showMessage" in closed["HX-Trigger"]
    assert "new-tickets" not in page_widgets(agent_client)

    settings_html = agent_client.get(
        widget_url("cic", "ACME", "settings"), headers=HX
    ).content.decode()
    assert 'data-setting="new-tickets"' in settings_html
    assert 'value="new-tickets" id="enable-new-tickets" checked' not in settings_html

    enabled = [k for k in CIC_DEFAULT if k != "company-status"]
    response = post(agent_client, enabled=enabled)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert page_widgets(agent_client) == [k for k in CIC_DEFAULT if k != "company-status"]


def test_settings_without_htmx_redirects_back(agent_client):
    factories.CustomerFactory(customer_id="ACME")
    back = reverse("dashboards:cic-customer", args=["ACME"])

    response = post(agent_client, htmx=False, enabled=["settings"], next=back)

    assert response.status_code == 302
    assert response.url == back
    assert page_widgets(agent_client) == ["settings"]


def test_settings_cannot_be_turned_off(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    refused = post(agent_client, widget="settings", close="1")
    post(agent_client, enabled=["new-tickets"])

    assert refused.status_code == 422
    assert page_widgets(agent_client) == ["new-tickets", "settings"]


def test_filter_and_page_size_are_remembered(agent_client, agent, queue):
    factories.CustomerFactory(customer_id="ACME")

    assert post(agent_client, widget="new-tickets", filter="locked").status_code == 204
    assert post(agent_client, widget="new-tickets", page_size="25").status_code == 204
    html = agent_client.get(widget_url("cic", "ACME", "new-tickets"), headers=HX).content.decode()

    assert active_tab(html, ["locked", "my-queues", "all"]) == ["locked"]
    assert '<option value="25" selected>' in html


def test_tab_click_posts_to_the_widget_and_is_remembered(agent_client):
    factories.CustomerFactory(customer_id="ACME")
    url = widget_url("cic", "ACME", "open-tickets")

    clicked = agent_client.post(url, {"filter": "my-queues"}, headers=HX)
    sized = agent_client.post(url, {"page_size": "5"}, headers=HX)
    later = agent_client.get(url, headers=HX).content.decode()

    assert clicked.status_code == 200
    assert active_tab(clicked.content.decode(), ["locked", "my-queues", "all"]) == ["my-queues"]
    assert sized.status_code == 200
    assert active_tab(later, ["locked", "my-queues", "all"]) == ["my-queues"]
    assert '<option value="5" selected>' in later


def test_preferences_do_not_leak_to_another_agent(client, agent_client, queue):
    factories.CustomerFactory(customer_id="ACME")
    post(agent_client, order=["open-tickets", "customer-users"])
    post(agent_client, widget="company-status", close="1")
    post(agent_client, widget="new-tickets", filter="locked")
    other = factories.AgentFactory()
    factories.TeamFactory(members=[other], queues=[queue])
    client.force_login(other)

    html = client.get(widget_url("cic", "ACME", "new-tickets"), headers=HX).content.decode()

    assert page_widgets(client) == CIC_DEFAULT
    assert active_tab(html, ["locked", "my-queues", "all"]) == ["all"]
    assert not DashboardPreference.objects.filter(user=other).exists()


def test_cuic_preferences_are_separate_from_the_cic(agent_client):
    factories.CustomerUserFactory(login="jane", customer=factories.CustomerFactory(customer_id="A"))
    post(agent_client, "cic", order=["open-tickets", "customer-users"])
    post(agent_client, "cic", widget="new-tickets", close="1")
    post(agent_client, "cuic", widget="open-tickets", scope="accessible")

    cuic = agent_client.get(reverse("dashboards:cuic-user", args=["jane"])).content.decode()
    open_html = agent_client.get(
        widget_url("cuic", "jane", "open-tickets"), headers=HX
    ).content.decode()

    assert markers(cuic, "widget")[:5] == [
        "customer-ids",
        "reminder-tickets",
        "escalated-tickets",
        "new-tickets",
        "open-tickets",
    ]
    assert active_tab(open_html, ["assigned", "accessible"]) == ["accessible"]
    assert page_widgets(agent_client, "A")[:2] == ["open-tickets", "customer-users"]


@pytest.mark.parametrize(
    "data",
    [
        {"order": ["open-tickets", "no-such-widget"]},
        {"order": ["customer-ids"]},  # a CUIC widget on the CIC
        {"order": ["open-tickets", "open-tickets"]},
        {"enabled": ["new-tickets", "hacked"]},
        {"widget": "nope", "filter": "all"},
        {"widget": "new-tickets", "filter": "assigned"},
        {"widget": "new-tickets", "scope": "accessible"},  # no scope row on the CIC
        {"widget": "new-tickets", "page_size": "7"},
        {"widget": "company-status", "page_size": "5"},
        {"widget": "new-tickets"},
        {},
    ],
)
def test_bad_preference_posts_are_refused_and_change_nothing(agent_client, data):
    factories.CustomerFactory(customer_id="ACME")
    post(agent_client, order=["open-tickets", "new-tickets"])
    post(agent_client, widget="new-tickets", filter="locked")
    before = snapshot()

    response = post(agent_client, **data)

    assert response.status_code == 422
    assert b"data-error" in response.content
    assert snapshot() == before


def test_preferences_unknown_dashboard_is_404(agent_client):
    assert post(agent_client, "nope", order=["new-tickets"]).status_code == 404


def test_preferences_need_post(agent_client):
    response = agent_client.get(reverse("dashboards:preferences", args=["cic"]))

    assert response.status_code == 405


def test_preferences_anonymous_changes_nothing(client):
    response = client.post(reverse("dashboards:preferences", args=["cic"]), {"order": ["settings"]})

    assert response.status_code == 302
    assert DashboardPreference.objects.count() == 0
