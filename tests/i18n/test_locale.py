"""Who sees which language and time zone (DESIGN §11): preferences, the browser, the default;
the navbar switch; times shown and typed in the viewer's zone; emails in the recipient's."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerUser
from tests import factories
from tests.contracts.helpers import contract_ticket, hour_contract
from tests.outbox.helpers import committed
from tickets.models import AgentPreferences
from tickets.tasks import send_reminders

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
HTML_LANG = re.compile(r'<html lang="([a-z-]+)"')


def html_lang(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)


def agent_with(client, agent, **preferences):
    """Log in again after setting preferences: they are read at login."""
    AgentPreferences.objects.update_or_create(user=agent, defaults=preferences)
    client.force_login(agent)
    return client


# --- which language ---------------------------------------------------------------------------


def test_default_language_is_english(agent_client):
    response = agent_client.get(reverse("tickets:list"))

    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert not JAPANESE.search(response.content.decode().replace("日本語", ""))


def test_browser_language_beats_the_default(agent_client):
    response = agent_client.get(reverse("tickets:list"), headers={"accept-language": "ja,en;q=0.5"})

    assert html_lang(response) == "ja"
    assert "チケット" in response.content.decode()
    assert "Accept-Language" in response["Vary"]


def test_agent_preference_beats_the_browser(client, agent):
    agent_with(client, agent, language="en")

    response = client.get(reverse("tickets:list"), headers={"accept-language": "ja"})

    assert html_lang(response) == "en"


def test_portal_preference_beats_the_browser(client, portal_user):
    portal_user.language = "ja"
    portal_user.save()
    client.force_login(portal_user.user)

    response = client.get(reverse("portal:home"), headers={"accept-language": "en"})

    assert html_lang(response) == "ja"


def test_login_pages_follow_the_browser(client):
    assert html_lang(client.get(reverse("login"), headers={"accept-language": "ja"})) == "ja"
    assert html_lang(client.get(reverse("portal:login"), headers={"accept-language": "ja"})) == "ja"
    assert html_lang(client.get(reverse("portal:login"))) == "en"


def test_an_unknown_browser_language_falls_back_to_the_default(agent_client):
    response = agent_client.get(reverse("tickets:list"), headers={"accept-language": "xx, zz"})

    assert html_lang(response) == "en"


# --- the navbar switch ------------------------------------------------------------------------


def test_switch_stores_the_agents_preference_and_returns(agent_client, agent):
    target = reverse("tickets:list") + "?category=open"

    response = agent_client.post(reverse("set-language"), {"language": "ja", "next": target})

    assert response.status_code == 302
    assert response["Location"] == target
    assert AgentPreferences.objects.get(user=agent).language == "ja"
    # the stored preference now beats an English browser
    page = agent_client.get(target, headers={"accept-language": "en"})
    assert html_lang(page) == "ja"


def test_switch_stores_the_portal_users_preference(portal_client, portal_user):
    response = portal_client.post(reverse("set-language"), {"language": "ja"})

    assert response.status_code == 302
    portal_user.refresh_from_db()
    assert portal_user.language == "ja"
    assert html_lang(portal_client.get(reverse("portal:home"))) == "ja"


def test_switch_before_login_sets_the_cookie(client):
    response = client.post(
        reverse("set-language"), {"language": "ja", "next": reverse("portal:login")}
    )

    assert response["Location"] == reverse("portal:login")
    assert html_lang(client.get(reverse("portal:login"))) == "ja"


@pytest.mark.parametrize("code", ["", "fr", "ja<script>", "x" * 500])
def test_switch_refuses_an_unknown_language_and_changes_nothing(agent_client, agent, code):
    response = agent_client.post(reverse("set-language"), {"language": code})

    assert response.status_code == 400
    assert "Unknown language." in response.content.decode()
    assert not AgentPreferences.objects.filter(user=agent).exclude(language="").exists()


def test_switch_never_redirects_off_site(agent_client):
    response = agent_client.post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("dashboards:home")


def test_switch_is_post_only(agent_client):
    assert agent_client.get(reverse("set-language") + "?language=ja").status_code == 405


# --- preference pages -------------------------------------------------------------------------


def test_agent_preferences_save_language_and_zone(agent_client, agent):
    response = agent_client.post(
        reverse("tickets:preferences"), {"language": "ja", "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    prefs = AgentPreferences.objects.get(user=agent)
    assert (prefs.language, prefs.time_zone) == ("ja", "Asia/Tokyo")
    assert html_lang(agent_client.get(reverse("tickets:preferences"))) == "ja"


@pytest.mark.parametrize(
    "data", [{"time_zone": "Mars/Olympus"}, {"language": "fr"}, {"time_zone": "Asia/Tokyo\n"}]
)
def test_agent_preferences_refuse_bad_values_and_change_nothing(agent_client, agent, data):
    AgentPreferences.objects.create(user=agent, time_zone="Europe/Berlin")

    response = agent_client.post(reverse("tickets:preferences"), data)

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    prefs = AgentPreferences.objects.get(user=agent)
    assert (prefs.language, prefs.time_zone) == ("", "Europe/Berlin")


def test_portal_preferences_save_language_and_zone(portal_client, portal_user):
    page = portal_client.get(reverse("portal:preferences"))
    assert page.status_code == 200

    response = portal_client.post(
        reverse("portal:preferences"), {"language": "ja", "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    portal_user.refresh_from_db()
    assert (portal_user.language, portal_user.time_zone) == ("ja", "Asia/Tokyo")


def test_portal_preferences_refuse_a_bad_zone(portal_client, portal_user):
    response = portal_client.post(reverse("portal:preferences"), {"time_zone": "Nowhere"})

    assert response.status_code == 422
    portal_user.refresh_from_db()
    assert portal_user.time_zone == ""


def test_portal_preferences_are_the_portal_users_only(client, agent, portal_user):
    assert client.get(reverse("portal:preferences"))["Location"].startswith(reverse("portal:login"))
    client.force_login(agent)
    client.post(reverse("portal:preferences"), {"language": "ja"})
    portal_user.refresh_from_db()
    assert portal_user.language == ""


# --- time zones -------------------------------------------------------------------------------

WINTER_NIGHT = datetime(2027, 1, 15, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "iso", "text"),
    [
        ("Asia/Tokyo", "2027-01-15T09:30:00+09:00", "2027-01-15 09:30"),
        ("Europe/Berlin", "2027-01-15T01:30:00+01:00", "2027-01-15 01:30"),
        ("", "2027-01-15T00:30:00+00:00", "2027-01-15 00:30"),
    ],
)
def test_a_ticket_time_shows_in_the_agents_zone(client, agent, queue, zone, iso, text):
    factories.TicketFactory(queue=queue, created_at=WINTER_NIGHT)
    agent_with(client, agent, time_zone=zone)

    body = client.get(reverse("tickets:list")).content.decode()

    assert f'<time datetime="{iso}">{text}</time>' in body


def test_japanese_shows_the_japanese_date_format(client, agent, queue):
    factories.TicketFactory(queue=queue, created_at=WINTER_NIGHT)
    agent_with(client, agent, language="ja", time_zone="Asia/Tokyo")

    body = client.get(reverse("tickets:list")).content.decode()

    assert '<time datetime="2027-01-15T09:30:00+09:00">2027/01/15 09:30</time>' in body


def test_a_portal_user_sees_the_customers_zone_unless_they_chose_one(client, portal_user):
    portal_user.customer.time_zone = "Europe/Berlin"
    portal_user.customer.save()
    ticket = factories.TicketFactory(
        customer_user=portal_user, customer=portal_user.customer, created_at=WINTER_NIGHT
    )
    client.force_login(portal_user.user)
    url = reverse("portal:detail", args=[ticket.number])

    assert "2027-01-15T01:30:00+01:00" in client.get(url).content.decode()

    portal_user.time_zone = "Asia/Tokyo"
    portal_user.save()
    client.force_login(portal_user.user)
    assert "2027-01-15T09:30:00+09:00" in client.get(url).content.decode()


def test_a_pending_time_typed_in_tokyo_is_stored_in_utc(client, agent, queue):
    ticket = factories.TicketFactory(queue=queue, state="open")
    agent_with(client, agent, time_zone="Asia/Tokyo")
    local = timezone.now().astimezone(timezone.get_fixed_timezone(9 * 60)) + timedelta(days=2)
    typed = local.replace(hour=10, minute=0, second=0, microsecond=0)

    response = client.post(
        reverse("tickets:set-state", args=[ticket.number]),
        {"state": "pending", "pending_until": typed.strftime("%Y-%m-%dT%H:%M")},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.pending_until.astimezone(UTC).strftime("%H:%M") == "01:00"
    assert ticket.pending_until == typed


def test_a_date_filter_reads_the_day_in_the_viewers_zone(client, agent, queue):
    # 2027-01-15 00:30 UTC is still the 14th in New York, already the 15th in Tokyo.
    ticket = factories.TicketFactory(queue=queue, created_at=WINTER_NIGHT)
    url = reverse("tickets:list") + "?created_after=2027-01-15&created_before=2027-01-15"

    agent_with(client, agent, time_zone="Asia/Tokyo")
    assert f'data-ticket="{ticket.number}"' in client.get(url).content.decode()
    agent_with(client, agent, time_zone="America/New_York")
    assert f'data-ticket="{ticket.number}"' not in client.get(url).content.decode()


# --- emails -----------------------------------------------------------------------------------


def test_an_email_to_a_japanese_contact_is_japanese_and_an_agents_english(
    agent_client, queue, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=10, threshold=1)
    CustomerUser.objects.filter(pk=contract.customer_contact.pk).update(language="ja")
    ticket = contract_ticket(contract, queue=queue)

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("tickets:add-time", args=[ticket.number]),
            {"minutes": 90, "note": "work"},
            headers={"HX-Request": "true"},
        )

    by_recipient = {m.to[0]: m for m in mail.outbox}
    japanese = by_recipient.pop(contract.customer_contact.email)
    assert JAPANESE.search(japanese.subject)
    assert JAPANESE.search(japanese.body)
    assert JAPANESE.search(japanese.alternatives[0][0])
    assert "Hello" not in japanese.body
    assert len(by_recipient) == 2
    for english in by_recipient.values():
        assert not JAPANESE.search(english.subject + english.body)


def test_an_email_shows_times_in_the_recipients_zone(queue, agent):
    AgentPreferences.objects.create(user=agent, time_zone="Asia/Tokyo")
    due = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    factories.TicketFactory(state="pending", queue=queue, owner=agent, pending_until=due)

    assert committed(send_reminders) == 1

    tokyo = due.astimezone(timezone.get_fixed_timezone(9 * 60)).strftime("%H:%M")
    assert f"{tokyo} JST" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("language", "pattern", "placeholder"),
    [("en", "%Y-%m-%d 10:00", "YYYY-MM-DD HH:MM"), ("ja", "%Y/%m/%d 10:00", "YYYY/MM/DD HH:MM")],
)
def test_a_pending_time_is_typed_as_the_tables_show_times(
    client, agent, queue, language, pattern, placeholder
):
    ticket = factories.TicketFactory(queue=queue, state="open")
    agent_with(client, agent, language=language, time_zone="Asia/Tokyo")
    zoom = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert re.search(
        rf'<input type="text" name="pending_until"[^>]*placeholder="{placeholder}"', zoom
    )
    day = (timezone.now() + timedelta(days=30)).date()

    response = client.post(
        reverse("tickets:set-state", args=[ticket.number]),
        {"state": "pending", "pending_until": day.strftime(pattern)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.pending_until == datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
