"""One customer world and every write that owes an email, through HTTP like a user."""

import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import NotificationEvent
from tests import factories
from tickets.services import default_queue
from tickets.tasks import check_escalations, send_reminders

HX = {"HX-Request": "true"}


@dataclass
class World:
    """A customer with a portal user, a group member, an hour contract (threshold 1 of 10 h)
    offering a service, a notification group subscribed to every event, and an open ticket
    owned by an agent of the queue's team."""

    queue: object
    agent: object
    manager: object
    contact: object
    member: object
    contract: object
    service: object
    ticket: object
    title: str
    agent_client: Client = field(default_factory=Client)
    portal_client: Client = field(default_factory=Client)


HOSTILE = 'VPN <drops> & "stalls"\r\nBcc: x@evil.example'


def world(title: str = "VPN drops", description: str = "Support 2026") -> World:
    """`title` names the tickets and `description` the contract (e.g. `HOSTILE`)."""
    queue = default_queue()  # where portal requests and email land too
    queue.email_address, queue.auto_reply = "desk@helpdesk.example", True
    queue.save()
    agent, manager = factories.AgentFactory(), factories.AgentFactory()
    factories.TeamFactory(members=[agent, manager], queues=[queue])
    customer = factories.CustomerFactory()
    contact = factories.PortalUserFactory(customer=customer)
    member = factories.CustomerUserFactory(customer=customer)
    service = factories.ServiceFactory()
    contract = factories.ContractFactory(
        customer=customer,
        customer_contact=contact,
        support_contact=agent,
        support_manager=manager,
        has_hour_restriction=True,
        contract_hours=10,
        hours_notification_threshold=1,
        services=[service],
        description=description,
    )
    group = factories.NotificationGroupFactory(
        customer=customer, events=[str(e) for e in NotificationEvent]
    )
    group.customer_users.add(member)
    group.agents.add(manager)
    ticket = factories.TicketFactory(
        queue=queue,
        customer=customer,
        customer_user=contact,
        contract=contract,
        owner=agent,
        state="open",
        title=title,
    )
    w = World(queue, agent, manager, contact, member, contract, service, ticket, title)
    w.agent_client.force_login(agent)
    w.portal_client.force_login(contact.user)
    return w


def _new_ticket(w: World, name: str, title: str):
    return w.agent_client.post(
        reverse(name),
        {
            "customer": w.contact.customer.customer_id,
            "customer_user": w.contact.login,
            "title": title,
            "body": "Since this morning.",
            "queue": w.queue.pk,
            "state": "new",
            "priority": "3",
        },
    )


def _email_in(w: World):
    """A new sender writes to the queue's address, through the MTA pipe; its exit status 0
    stands for the 200 of the other writes."""
    email = EmailMessage()
    email["From"] = "new.person@customer.example"
    email["To"] = w.queue.email_address
    email["Subject"] = " ".join(w.title.split())  # a header has no line breaks
    email.set_content("Since this morning.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message.eml"
        path.write_bytes(email.as_bytes())
        out = StringIO()
        call_command("ingest_email", str(path), stdout=out)
    assert out.getvalue().startswith("new_ticket "), out.getvalue()
    return SimpleNamespace(status_code=200)


def _zoom(w: World, name: str, data: dict):
    return w.agent_client.post(reverse(name, args=[w.ticket.number]), data, headers=HX)


WRITES = {
    "phone ticket": lambda w: _new_ticket(w, "tickets:new-phone", w.title),
    "email ticket": lambda w: _new_ticket(w, "tickets:new-email", w.title),
    "reply": lambda w: _zoom(w, "tickets:reply", {"body": "We are on it."}),
    "note": lambda w: _zoom(w, "tickets:note", {"body": "Called the vendor."}),
    "time entry across the threshold": lambda w: _zoom(
        w, "tickets:add-time", {"minutes": "90", "note": "Onsite"}
    ),
    "time entry across the limit": lambda w: _zoom(
        w, "tickets:add-time", {"minutes": "540", "note": "Rollout"}
    ),
    "portal request": lambda w: w.portal_client.post(
        reverse("portal:new"),
        {
            "service": w.service.pk,
            "title": w.title,
            "description": "Every few minutes.",
            "impact": 3,
            "urgency": 3,
            "key": str(uuid.uuid4()),
        },
    ),
    "portal update": lambda w: w.portal_client.post(
        reverse("portal:update", args=[w.ticket.number]), {"comment": "Still broken."}
    ),
    "close on a contract": lambda w: _zoom(w, "tickets:set-state", {"state": "closed"}),
    "email from a new sender": _email_in,
}


def run_writes(w: World, call=lambda write, w: write(w)) -> list[tuple[str, int, float]]:
    """Every write once, in order; (what, status code, seconds) of each. `call(write, w)`
    runs one write (e.g. with its after-commit callbacks)."""
    results = []
    for what, write in WRITES.items():
        started = time.monotonic()
        response = call(write, w)
        results.append((what, response.status_code, time.monotonic() - started))
    return results


def periodic_notices(w: World, call=lambda task: task()) -> tuple[int, int]:
    """A reminder and an escalation notice come due; the beat tasks owe them."""
    past = timezone.now() - timedelta(minutes=1)
    factories.TicketFactory(
        queue=w.queue, owner=w.agent, state="pending", pending_until=past, title=w.title
    )
    factories.TicketFactory(
        queue=w.queue,
        owner=w.agent,
        state="open",
        escalation_due=past,
        solution_due=past,
        title=w.title,
    )
    return call(send_reminders), call(check_escalations)
