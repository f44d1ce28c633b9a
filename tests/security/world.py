"""A small world with one object of every kind, the eight roles of the access matrix, URL
kwargs for every route, and a snapshot of the tables a request could change."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.apps import apps
from django.core import mail
from django.db.models import Count, Max
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

ROLES = ("anon", "portal", "colleague", "power", "other", "agent", "outsider", "admin")

# Admin internals are Django's own (tested upstream); these few stand for the admin site.
ADMIN_NAMES = ("admin:index", "admin:login", "admin:tickets_ticket_changelist")

# The apps whose rows a forbidden request must leave alone.
SNAPSHOT_APPS = ("helpdesk", "customers", "contracts", "tickets", "dashboards", "portal", "auth")


@dataclass
class World:
    customer: object
    other_customer: object
    portal: object
    colleague: object
    power: object
    other: object
    contact: object
    agent: object
    outsider: object
    admin: object
    ticket: object
    attachment: object
    email_article: object
    inbound: object
    contract: object
    group: object
    location: object
    area: object
    users: dict = field(default_factory=dict)


def build_world() -> World:
    queue = factories.QueueFactory()
    other_queue = factories.QueueFactory()
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    outsider = factories.AgentFactory()
    factories.TeamFactory(members=[outsider], queues=[other_queue])
    admin = factories.AdminFactory()
    customer = factories.CustomerFactory()
    other_customer = factories.CustomerFactory()
    portal = factories.PortalUserFactory(customer=customer)
    colleague = factories.PortalUserFactory(customer=customer)
    power = factories.PortalUserFactory(customer=customer, is_power_user=True)
    other = factories.PortalUserFactory(customer=other_customer, is_power_user=True)
    contact = factories.CustomerUserFactory(customer=customer)
    ticket = factories.TicketFactory(queue=queue, customer_user=portal, state="open")
    article = factories.ArticleFactory(
        ticket=ticket, is_public=True, sender_type="customer", channel="portal"
    )
    attachment = factories.AttachmentFactory(article=article)
    email_article = factories.ArticleFactory(
        ticket=ticket,
        is_public=True,
        sender_type="customer",
        channel="email",
        body_html="<p>Hello</p>",
        email_from=portal.email,
    )
    inbound = factories.InboundMessageFactory(article=email_article, ticket=ticket)
    contract = factories.ContractFactory(customer=customer, customer_contact=contact)
    group = factories.NotificationGroupFactory(customer=customer)
    location = factories.LocationFactory(customer=customer)
    area = factories.AreaFactory(location=location)
    world = World(
        customer=customer,
        other_customer=other_customer,
        portal=portal,
        colleague=colleague,
        power=power,
        other=other,
        contact=contact,
        agent=agent,
        outsider=outsider,
        admin=admin,
        ticket=ticket,
        attachment=attachment,
        email_article=email_article,
        inbound=inbound,
        contract=contract,
        group=group,
        location=location,
        area=area,
    )
    world.users = {
        "anon": None,
        "portal": portal.user,
        "colleague": colleague.user,
        "power": power.user,
        "other": other.user,
        "agent": agent,
        "outsider": outsider,
        "admin": admin,
    }
    return world


def url_names() -> dict[str, URLPattern]:
    """Every named route of the project (admin: only ADMIN_NAMES), by namespaced name."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"{namespace}?"
                if name.startswith("admin:") and name not in ADMIN_NAMES:
                    continue
                if entry.name is None:
                    raise AssertionError(f"URL pattern {entry.pattern} has no name")
                found[name] = entry

    walk(get_resolver().url_patterns, "")
    return found


def url_kwargs(world: World, name: str, pattern: URLPattern) -> dict:
    """Arguments for `name` from the world: the route's own objects, all of customer A."""
    params = set(pattern.pattern.converters) | set(
        getattr(pattern.pattern, "regex", None).groupindex
        if hasattr(pattern.pattern, "regex")
        else ()
    )
    by_pk = {
        "customers:contact-edit": world.contact.pk,
        "customers:contact-deactivate": world.contact.pk,
        "customers:contact-reactivate": world.contact.pk,
        "customers:contract-edit": world.contract.pk,
        "customers:notification-group-edit": world.group.pk,
        "customers:location-edit": world.location.pk,
        "customers:location-active": world.location.pk,
        "customers:area-create": world.location.pk,
        "customers:area-edit": world.area.pk,
        "customers:area-active": world.area.pk,
        "tickets:attachment": world.attachment.pk,
        "portal:attachment": world.attachment.pk,
        "tickets:article-html": world.email_article.pk,
        "mailgate:raw": world.inbound.pk,
    }
    values = {
        "customer_id": world.customer.customer_id,
        "number": world.ticket.number,
        "login": world.portal.login,
        "dashboard": "cuic" if name == "dashboards:widget" else "cic",
        "object_id": world.portal.login,
        "widget": "open-tickets",
    }
    kwargs = {}
    for param in params:
        if param == "pk":
            kwargs["pk"] = by_pk[name]
        else:
            kwargs[param] = values[param]
    return kwargs


def outcome(response) -> str:
    """A response as the matrix names it."""
    if response.status_code in (301, 302, 303):
        path = urlparse(response["Location"]).path
        return {
            reverse("login"): "login",
            reverse("portal:login"): "plogin",
            reverse("admin:login"): "alogin",
            reverse("dashboards:home"): "toagent",
            reverse("portal:home"): "toportal",
        }.get(path, "redirect")
    return str(response.status_code)


def snapshot() -> dict:
    """Row count and latest `updated_at` (or highest pk) of every table of our apps, and the
    outbox: any insert, delete or update through a model changes it."""
    state: dict = {"outbox": len(mail.outbox)}
    for app in SNAPSHOT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label in ("auth.Permission",):
                continue
            names = {f.attname for f in model._meta.concrete_fields}
            latest = Max("updated_at") if "updated_at" in names else Max("pk")
            state[model._meta.label] = tuple(
                model.objects.aggregate(n=Count("pk"), latest=latest).values()
            )
    return state
