"""The Japanese catalogue is complete and every page uses it.

- Every entry is translated, none fuzzy, placeholders kept; the compiled `.mo` files are the
  `.po` files as committed (a fresh machine needs no gettext).
- `makemessages` finds no string the catalogue lacks (needs GNU gettext: CI installs it).
- Every agent and portal page rendered in Japanese shows no catalogue msgid untranslated (a
  text node or a label attribute equal to an English msgid); rendered in English it shows no
  Japanese (except the language switch's own name for Japanese).
"""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info

from tests import factories
from tickets.models import Article

BASE = Path(settings.BASE_DIR)
CATALOGUES = BASE / "locale" / "ja" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%(?:\([a-z_0-9]+\))?[sd]|\{[a-z_0-9]*\}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Same arguments as `make messages`.
MAKEMESSAGES = ["-l", "ja", "--add-location=file", "-i", "node_modules", "-i", "staticfiles"]
MAKEMESSAGES += ["-i", "tests", "-i", "devtools/ingest_bench.py"]


def entries(domain: str):
    return [e for e in polib.pofile(str(CATALOGUES / f"{domain}.po")) if not e.obsolete]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated_and_none_is_fuzzy(domain):
    po = polib.pofile(str(CATALOGUES / f"{domain}.po"))

    assert po.metadata.get("Language") == "ja"
    assert "fuzzy" not in po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_the_placeholders(domain):
    wrong = []
    for entry in entries(domain):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            if sorted(PLACEHOLDER.findall(text)) != wanted and "%(" in entry.msgid + text:
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_is_the_committed_one(domain):
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural[0] for e in entries(domain)}
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural[0]
        for e in polib.mofile(str(CATALOGUES / f"{domain}.mo"))
        if e.msgid
    }

    assert mo == po, "run `make messages` (or compilemessages) and commit the .mo files"


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="needs GNU gettext (xgettext); CI installs it"
)
def test_makemessages_finds_nothing_new(tmp_path):
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "staticfiles", "screenshots", "media", "__pycache__"
    )
    shutil.copytree(BASE, tree, ignore=ignore, symlinks=True)

    for domain in DOMAINS:
        extra = ["-d", "djangojs", "-i", "vendor"] if domain == "djangojs" else []
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES, *extra],
            cwd=tree,
            env={**os.environ, "DEBUG": "true"},
            check=True,
            capture_output=True,
        )
        found = polib.pofile(str(tree / "locale/ja/LC_MESSAGES" / f"{domain}.po"))
        new = sorted(e.msgid for e in found.untranslated_entries() if not e.obsolete)
        assert new == [], f"strings without Japanese in {domain}: run `make messages`"


# --- pages ------------------------------------------------------------------------------------

LABEL_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class Texts(HTMLParser):
    """Text nodes and label attributes of a page, without scripts, styles and any element
    marked as another language (the language switch names each language in itself)."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[bool] = []  # True for an element whose text we skip
        self.found: list[str] = []

    def skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = attrs.get("lang") not in (None, self.page_language)
        skip = foreign or tag in ("script", "style", "template")
        if not (self.skipping() or skip):
            self.found += [attrs[a] for a in LABEL_ATTRIBUTES if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.found.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping():
            self.found.append(data)


def page_texts(html: str, language: str) -> list[str]:
    parser = Texts(language)
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.found if t.strip()]


def msgid_patterns():
    """One regex per msgid whose translation differs from it: the whole text of a node."""
    patterns = []
    for entry in entries("django"):
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            # Too little text of its own to tell from data ("%(used)s of %(total)s").
            letters = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", msgid))
            if "<" in msgid or translated == msgid or len(letters) < 4:
                continue
            parts = PLACEHOLDER.split(" ".join(msgid.split()))
            body = ".+?".join(re.escape(part) for part in parts)
            patterns.append((msgid, re.compile(rf"^{body}$")))
    return patterns


@pytest.fixture
def world(db, admin_user):
    """One of everything a page shows: a customer with a contract, contacts, a location and
    a notification group; a ticket with articles of every kind; a portal user with requests."""
    queue = factories.QueueFactory(name="First line", email_address="desk@example.com")
    factories.TeamFactory(members=[admin_user], queues=[queue])
    customer = factories.CustomerFactory(customer_id="ACME", name="Acme Ltd")
    portal_user = factories.PortalUserFactory(customer=customer, login="mia")
    location = factories.LocationFactory(customer=customer, name="Head office")
    factories.AreaFactory(location=location, name="Floor 2")
    factories.NotificationGroupFactory(customer=customer).customer_users.set([portal_user])
    service = factories.ServiceFactory(name="Workplace")
    laptop = factories.ServiceFactory(name="Laptop", parent=service)
    factories.ServiceFactory(name="Printer", parent=service)
    network = factories.ServiceFactory(name="Network")
    contract = factories.ContractFactory(
        customer=customer,
        customer_contact=portal_user,
        services=[service, network],
        has_hour_restriction=True,
        contract_hours=10,
        hours_notification_threshold=8,
    )
    now = timezone.now()
    ticket = factories.TicketFactory(
        queue=queue,
        customer_user=portal_user,
        state="open",
        contract=contract,
        owner=admin_user,
        escalation_due=now + timedelta(hours=2),
    )
    factories.TicketFactory(queue=queue, customer_user=portal_user, state="new")
    factories.TicketFactory(
        queue=queue, customer_user=portal_user, state="pending_auto_close", resolved_at=now
    )
    factories.TicketFactory(queue=queue, customer_user=portal_user, state="closed", closed_at=now)
    factories.TicketFactory(
        queue=queue, customer_user=portal_user, state="pending", pending_until=now - timedelta(1)
    )
    factories.ArticleFactory(
        ticket=ticket,
        sender_type=Article.SenderType.CUSTOMER,
        channel="email",
        is_public=True,
        email_from="mia@customer.example.com",
        email_to="desk@example.com",
        body="Printer broken\n\n> quoted earlier mail\n> more",
    )
    factories.ArticleFactory(ticket=ticket, channel="note")
    factories.TimeEntryFactory(ticket=ticket, agent=admin_user, minutes=30)
    factories.TicketEventFactory(ticket=ticket, action="state", from_value="new", to_value="open")
    return {
        "customer": customer,
        "portal_user": portal_user,
        "ticket": ticket,
        "service": service,
        "laptop": laptop,
    }


def agent_urls(world):
    customer, user, ticket = world["customer"], world["portal_user"], world["ticket"]
    cid = customer.customer_id
    urls = [
        reverse("dashboards:home"),
        reverse("tickets:list"),
        reverse("tickets:list") + "?category=open&created_after=nonsense",
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:new-phone"),
        reverse("tickets:new-email") + f"?customer_user={user.login}",
        reverse("tickets:preferences"),
        reverse("dashboards:cic"),
        reverse("dashboards:cic-customer", args=[cid]),
        reverse("dashboards:cuic"),
        reverse("dashboards:cuic-user", args=[user.login]),
        reverse("dashboards:search") + "?q=ac&kind=customer&dashboard=cic",
        reverse("customers:list"),
        reverse("customers:create"),
        reverse("customers:settings", args=[cid]),
        reverse("customers:edit", args=[cid]),
        reverse("customers:contacts", args=[cid]),
        reverse("customers:contracts", args=[cid]),
        reverse("customers:contract-create", args=[cid]),
        reverse("customers:notification-groups", args=[cid]),
        reverse("customers:locations", args=[cid]),
    ]
    for dashboard, object_id in (("cic", cid), ("cuic", user.login)):
        from dashboards.widgets import get_dashboard

        for widget in get_dashboard(dashboard).keys:
            urls.append(reverse("dashboards:widget", args=[dashboard, object_id, widget]))
    return urls


def portal_urls(world):
    service = world["service"]
    ticket = world["ticket"]
    return [
        reverse("portal:home"),
        reverse("portal:new"),
        reverse("portal:new") + f"?service={service.pk}",
        reverse("portal:new") + f"?service={service.pk}&subcategory={world['laptop'].pk}",
        reverse("portal:detail", args=[ticket.number]),
        reverse("portal:closed"),
        reverse("portal:closed") + "?created_after=bad",
        reverse("portal:password"),
        reverse("portal:preferences"),
    ]


def rendered(client, urls, language):
    pages = {}
    for url in urls:
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def untranslated(pages):
    patterns = msgid_patterns()
    left = set()
    for url, html in pages.items():
        for text in page_texts(html, "ja"):
            left |= {(url, msgid) for msgid, pattern in patterns if pattern.match(text)}
    return sorted(left)


def japanese(pages):
    # A language choice names each language in itself.
    own_names = {get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES}
    return sorted(
        (url, text)
        for url, html in pages.items()
        for text in page_texts(html, "en")
        if JAPANESE.search(text) and text not in own_names
    )


def test_agent_pages_in_japanese_leave_nothing_untranslated(client, world, admin_user):
    client.force_login(admin_user)

    assert untranslated(rendered(client, agent_urls(world), "ja")) == []


def test_agent_pages_in_english_show_no_japanese(client, world, admin_user):
    client.force_login(admin_user)

    assert japanese(rendered(client, agent_urls(world), "en")) == []


def test_portal_pages_in_japanese_leave_nothing_untranslated(client, world):
    client.force_login(world["portal_user"].user)
    pages = rendered(client, portal_urls(world), "ja")
    client.logout()
    pages |= rendered(client, [reverse("portal:login"), reverse("login")], "ja")

    assert untranslated(pages) == []


def test_portal_pages_in_english_show_no_japanese(client, world):
    client.force_login(world["portal_user"].user)
    pages = rendered(client, portal_urls(world), "en")

    assert japanese(pages) == []
