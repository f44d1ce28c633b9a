"""Load test: agents browse the CIC and CUIC with their widgets and search tickets,
portal users create and read requests. Runs against the demo data (`manage.py seed_demo`):
agent `agent`, portal users `customer` and `poweruser`, password `demo1234!`, customer ACME.

Headless, on loopback, bounded in time: see scripts/loadtest.sh. Every response other than
2xx/3xx (and every 5xx) is a failure; the run fails on any failure.
"""

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo1234!")
CUSTOMER_ID = os.environ.get("LOADTEST_CUSTOMER", "ACME")
AGENTS = os.environ.get("LOADTEST_AGENTS", "agent").split(",")
PORTAL_USERS = os.environ.get("LOADTEST_PORTAL_USERS", "customer,poweruser").split(",")
CIC_WIDGETS = ("new-tickets", "open-tickets", "escalated-tickets", "reminder-tickets",
               "customer-users", "company-status")  # fmt: skip
CUIC_WIDGETS = ("open-tickets", "new-tickets", "customer-user-information")
FILTERS = ("all", "locked", "my-queues")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET = re.compile(r'data-ticket="([^"]+)"')
CUSTOMER_USER = re.compile(r'data-customer-user="([^"]+)"')
INPUT = re.compile(r'<input[^>]*name="(service|subcategory|key)"[^>]*value="([^"]*)"')
INPUT_REVERSED = re.compile(r'<input[^>]*value="([^"]*)"[^>]*name="(service|subcategory|key)"')


def _login(user, path: str, username: str) -> None:
    with user.client.get(path, name=path, catch_response=True) as page:
        token = CSRF.search(page.text)
        if token is None:
            page.failure("no CSRF token on the login page")
            return
    with user.client.post(
        path,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": user.host + path},
        name=f"{path} [POST]",
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"login of {username} answered {response.status_code}")


class Agent(HttpUser):
    """An agent on the CIC of a customer and the CUIC of its users, with widget fragments."""

    weight = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        _login(self, "/login/", random.choice(AGENTS))
        self.customer_users: list[str] = []

    @task(3)
    def cic(self):
        page = self.client.get(f"/dashboards/cic/{CUSTOMER_ID}/", name="/dashboards/cic/[id]/")
        self.customer_users = CUSTOMER_USER.findall(page.text) or self.customer_users
        widgets = ["customer-users", *random.sample(CIC_WIDGETS[:-2], 1), "company-status"]
        for widget in widgets:
            # Only ticket widgets have filter tabs; the others refuse the parameter (400).
            ticket_widget = widget.endswith("-tickets")
            fragment = self.client.get(
                f"/dashboards/widget/cic/{CUSTOMER_ID}/{widget}/",
                params={"filter": random.choice(FILTERS)} if ticket_widget else None,
                headers={"HX-Request": "true"},
                name=f"/dashboards/widget/cic/[id]/{widget}/",
            )
            self.customer_users = CUSTOMER_USER.findall(fragment.text) or self.customer_users

    @task(2)
    def cuic(self):
        if not self.customer_users:
            return
        login = random.choice(self.customer_users)
        self.client.get(f"/dashboards/cuic/{login}/", name="/dashboards/cuic/[login]/")
        widget = random.choice(CUIC_WIDGETS)
        self.client.get(
            f"/dashboards/widget/cuic/{login}/{widget}/",
            headers={"HX-Request": "true"},
            name=f"/dashboards/widget/cuic/[login]/{widget}/",
        )

    @task(1)
    def search(self):
        self.client.get("/dashboards/search/", params={"q": "a", "kind": "customer",
                        "dashboard": "cic"}, headers={"HX-Request": "true"},
                        name="/dashboards/search/")  # fmt: skip
        page = self.client.get("/tickets/", params={"customer": CUSTOMER_ID}, name="/tickets/")
        numbers = TICKET.findall(page.text)
        if numbers:
            self.client.get(f"/tickets/{random.choice(numbers)}/", name="/tickets/[number]/")


class PortalUser(HttpUser):
    """A customer reading its requests and creating new ones through the wizard."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        _login(self, "/portal/login/", random.choice(PORTAL_USERS))

    @task(3)
    def read(self):
        page = self.client.get("/portal/", name="/portal/")
        numbers = TICKET.findall(page.text)
        if numbers:
            self.client.get(
                f"/portal/requests/{random.choice(numbers)}/", name="/portal/requests/[number]/"
            )
        self.client.get("/portal/closed/", name="/portal/closed/")

    @task(1)
    def create(self):
        # The wizard redirects through the service and sub-category steps when there is one
        # choice, and lists `data-service` / `data-subcategory` cards otherwise.
        page = self.client.get("/portal/new/", name="/portal/new/")
        for marker in ("service", "subcategory"):
            ids = re.findall(rf'data-{marker}="(\d+)"', page.text)
            if ids:
                url = page.url.split("?")[0] + "?" + (page.url.split("?", 1)[1] + "&" if "?"
                      in page.url else "") + f"{marker}={random.choice(ids)}"  # fmt: skip
                page = self.client.get(url, name=f"/portal/new/?{marker}")
        fields = dict(INPUT.findall(page.text))
        fields.update({name: value for value, name in INPUT_REVERSED.findall(page.text)})
        token = CSRF.search(page.text)
        if token is None or "service" not in fields:
            return
        data = {
            **fields,
            "csrfmiddlewaretoken": token.group(1),
            "title": "Printer on floor 2 is jammed",
            "description": "Load test request: paper jam, please have a look.",
            "impact": "3",
            "urgency": "3",
        }
        with self.client.post(
            "/portal/new/",
            data=data,
            headers={"Referer": page.url},
            name="/portal/new/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/portal/requests/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"request not created: {response.status_code}")
                return
        self.client.get(response.headers["Location"], name="/portal/requests/[number]/")
