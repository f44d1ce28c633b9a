"""The access matrix: every route of the project, GET and POST, as each of eight roles.

Routes come from the URL resolver, so a new view without a row here fails
`test_every_route_has_a_row`. Each row holds two strings (GET, POST) of eight outcomes, one per
role in ROLES order:

    anon       nobody logged in
    portal     a portal user (the ticket's caller; customer A, not power)
    colleague  another portal user of customer A, not power
    power      a power user of customer A
    other      a power user of customer B
    agent      an agent in the team that grants the ticket's queue
    outsider   an agent whose team grants another queue only
    admin      a superuser

Outcomes: a status code ("200", "400", "403", "404", "405", "409", "422"), or a redirect to
"login" (agent login), "plogin" (portal login), "alogin" (admin login), "toagent" (agent home:
an agent on the portal), "toportal" (portal home: a portal user on the agent side), or
"redirect" (anywhere else, i.e. the action's own result). Empty POSTs: allowed roles get a form
error or an action on the world's objects. A refused request (a login redirect, a side
redirect, 403, 404, 405) and every GET must leave every table unchanged and send no email.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.world import ROLES, build_world, outcome, snapshot, url_kwargs, url_names

REFUSED = {"login", "plogin", "alogin", "toagent", "toportal", "403", "404", "405"}

# fmt: off
#        anon     portal   colleague power   other    agent    outsider admin
MATRIX = {
    "admin:index": (
        "alogin   alogin   alogin   alogin   alogin   200      200      200",
        "alogin   alogin   alogin   alogin   alogin   200      200      200",
    ),
    "admin:login": (
        "200      200      200      200      200      redirect redirect redirect",
        "200      200      200      200      200      200      200      200",
    ),
    "admin:tickets_ticket_changelist": (
        "alogin   alogin   alogin   alogin   alogin   403      403      200",
        "alogin   alogin   alogin   alogin   alogin   403      403      200",
    ),
    "customers:area-active": (
        "login    toportal toportal toportal toportal 403      403      405",
        "login    toportal toportal toportal toportal 403      403      422",
    ),
    "customers:area-create": (
        "login    toportal toportal toportal toportal 403      403      405",
        "login    toportal toportal toportal toportal 403      403      422",
    ),
    "customers:area-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contact-add": (
        "login    toportal toportal toportal toportal 403      403      405",
        "login    toportal toportal toportal toportal 403      403      422",
    ),
    "customers:contact-deactivate": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contact-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contact-reactivate": (
        "login    toportal toportal toportal toportal 403      403      405",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contacts": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "customers:contract-create": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contract-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:contracts": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "customers:create": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:list": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "customers:location-active": (
        "login    toportal toportal toportal toportal 403      403      405",
        "login    toportal toportal toportal toportal 403      403      422",
    ),
    "customers:location-create": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:location-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:locations": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "customers:notification-group-create": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:notification-group-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "customers:notification-groups": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "customers:settings": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:home": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:cic": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:cic-customer": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:cuic": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:cuic-user": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "dashboards:customer-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "dashboards:customer-user-add": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "dashboards:customer-user-edit": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "dashboards:pick-agents": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "dashboards:pick-customer-users": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "dashboards:pick-customers": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "dashboards:preferences": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal 422      422      422",
    ),
    "dashboards:search": (
        "login    toportal toportal toportal toportal 422      422      422",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "dashboards:widget": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "favicon": (
        "redirect redirect redirect redirect redirect redirect redirect redirect",
        "405      405      405      405      405      405      405      405",
    ),
    "healthz": (
        "200      200      200      200      200      200      200      200",
        "405      405      405      405      405      405      405      405",
    ),
    "javascript-catalog": (
        "200      200      200      200      200      200      200      200",
        "405      405      405      405      405      405      405      405",
    ),
    "login": (
        "200      200      200      200      200      200      200      200",
        "200      200      200      200      200      200      200      200",
    ),
    "logout": (
        "405      405      405      405      405      405      405      405",
        "login    login    login    login    login    login    login    login",
    ),
    "mailgate:raw": (
        "alogin   alogin   alogin   alogin   alogin   403      403      200",
        "alogin   alogin   alogin   alogin   alogin   403      403      200",
    ),
    "portal:attachment": (
        "plogin   200      404      200      404      toagent  toagent  toagent",
        "plogin   200      404      200      404      toagent  toagent  toagent",
    ),
    "portal:close": (
        "405      405      405      405      405      405      405      405",
        "plogin   409      404      409      404      toagent  toagent  toagent",
    ),
    "portal:closed": (
        "plogin   200      200      200      200      toagent  toagent  toagent",
        "plogin   200      200      200      200      toagent  toagent  toagent",
    ),
    "portal:detail": (
        "plogin   200      404      200      404      toagent  toagent  toagent",
        "plogin   200      404      200      404      toagent  toagent  toagent",
    ),
    "portal:home": (
        "plogin   200      200      200      200      toagent  toagent  toagent",
        "plogin   200      200      200      200      toagent  toagent  toagent",
    ),
    "portal:login": (
        "200      200      200      200      200      200      200      200",
        "200      200      200      200      200      200      200      200",
    ),
    "portal:logout": (
        "405      405      405      405      405      405      405      405",
        "plogin   plogin   plogin   plogin   plogin   plogin   plogin   plogin",
    ),
    "portal:new": (
        "plogin   200      200      200      200      toagent  toagent  toagent",
        "plogin   redirect redirect redirect redirect toagent  toagent  toagent",
    ),
    "portal:preferences": (
        "plogin   200      200      200      200      toagent  toagent  toagent",
        "plogin   redirect redirect redirect redirect toagent  toagent  toagent",
    ),
    "portal:password": (
        "plogin   200      200      200      200      toagent  toagent  toagent",
        "plogin   200      200      200      200      toagent  toagent  toagent",
    ),
    "portal:reopen": (
        "405      405      405      405      405      405      405      405",
        "plogin   409      404      409      404      toagent  toagent  toagent",
    ),
    "portal:update": (
        "405      405      405      405      405      405      405      405",
        "plogin   200      404      200      404      toagent  toagent  toagent",
    ),
    "tickets:add-time": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal 422      404      422",
    ),
    "tickets:article-html": (
        "login    toportal toportal toportal toportal 200      404      200",
        "login    toportal toportal toportal toportal 200      404      200",
    ),
    "tickets:attachment": (
        "login    toportal toportal toportal toportal 200      404      200",
        "login    toportal toportal toportal toportal 200      404      200",
    ),
    "tickets:detail": (
        "login    toportal toportal toportal toportal 200      404      200",
        "login    toportal toportal toportal toportal 200      404      200",
    ),
    "tickets:export": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "tickets:list": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 200      200      200",
    ),
    "tickets:lock": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal redirect 404      redirect",
    ),
    "tickets:new-contact": (
        "login    toportal toportal toportal toportal 403      403      200",
        "login    toportal toportal toportal toportal 403      403      200",
    ),
    "tickets:new-email": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 422      422      422",
    ),
    "tickets:new-options": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 405      405      405",
    ),
    "tickets:new-phone": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal 422      422      422",
    ),
    "tickets:note": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal 422      404      422",
    ),
    "set-language": (
        "405      405      405      405      405      405      405      405",
        "400      400      400      400      400      400      400      400",
    ),
    "tickets:preferences": (
        "login    toportal toportal toportal toportal 200      200      200",
        "login    toportal toportal toportal toportal redirect redirect redirect",
    ),
    "tickets:reply": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal 422      404      422",
    ),
    "tickets:set-state": (
        "login    toportal toportal toportal toportal 405      405      405",
        "login    toportal toportal toportal toportal 422      404      422",
    ),
    "tickets:update": (
        "login    toportal toportal toportal toportal redirect 404      redirect",
        "login    toportal toportal toportal toportal 422      404      422",
    ),
}
# fmt: on

ROUTES = url_names()


def test_every_route_has_a_row():
    assert sorted(set(ROUTES) - set(MATRIX)) == []
    assert sorted(set(MATRIX) - set(ROUTES)) == []


def test_every_row_names_each_role_once():
    for name, (get, post) in MATRIX.items():
        assert (name, len(get.split()), len(post.split())) == (name, len(ROLES), len(ROLES))


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.django_db
def test_route_answers_each_role_as_declared(name):
    world = build_world()
    url = reverse(name, kwargs=url_kwargs(world, name, ROUTES[name]))
    before = snapshot()
    expected, found, changed = {}, {}, []
    for method, row in zip(("get", "post"), MATRIX[name], strict=True):
        for role, want in zip(ROLES, row.split(), strict=True):
            savepoint = transaction.savepoint()
            client = Client()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            response = getattr(client, method)(url)
            if response.streaming:  # reading a download to its end closes the file
                b"".join(response.streaming_content)
            got = outcome(response)
            expected[method, role], found[method, role] = want, got
            if (method == "get" or want in REFUSED) and snapshot() != before:
                changed.append((method, role))
            transaction.savepoint_rollback(savepoint)
    assert found == expected
    assert changed == []
