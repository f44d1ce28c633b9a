"""The widget registry of the agent dashboard, the Customer Information Center (CIC) and the
Customer User Information Center (CUIC).

A widget is a small declaration: key (DESIGN §6 `data-widget`), title, column (main or
sidebar), the template that renders its body (a partial of `dashboards/widgets.html`), and the
query function (`selectors.WidgetContext -> dict`) that feeds the template. A
dashboard is an ordered tuple of widgets plus how to find its object. The dashboards share
the same widget declarations; the query functions read `ctx.customer` / `ctx.customer_user`
(both None on the agent dashboard), so one ticket widget serves all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import selectors

MAIN = "main"
SIDEBAR = "sidebar"
TICKET_FILTERS = ("locked", "my-queues", "all")
TEMPLATE = "dashboards/widgets.html"


@dataclass(frozen=True)
class Widget:
    key: str
    title: str
    column: str
    template: str
    query: Callable[[selectors.WidgetContext], dict[str, Any]]
    icon: str = "bi-grid"
    filters: tuple[str, ...] = ()
    default_filter: str = ""
    paginated: bool = False
    closable: bool = True
    collapsed: bool = False


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: str
    widgets: tuple[Widget, ...]
    scopes: tuple[str, ...] = ()

    def widget(self, key: str) -> Widget | None:
        return next((w for w in self.widgets if w.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(w.key for w in self.widgets)


def ticket_widget(key: str, title: str, select, *, icon: str, default_filter: str = "all"):
    return Widget(
        key=key,
        title=title,
        column=MAIN,
        template=f"{TEMPLATE}#tickets",
        query=lambda ctx: selectors.ticket_widget(ctx, select),
        icon=icon,
        filters=TICKET_FILTERS,
        default_filter=default_filter,
        paginated=True,
    )


REMINDER = ticket_widget(
    "reminder-tickets",
    _("Reminder Tickets"),
    selectors.select_reminder,
    icon="bi-alarm",
    default_filter="locked",
)
ESCALATED = ticket_widget(
    "escalated-tickets", _("Escalated Tickets"), selectors.select_escalated, icon="bi-fire"
)
NEW = ticket_widget("new-tickets", _("New Tickets"), selectors.select_new, icon="bi-inbox")
OPEN = ticket_widget(
    "open-tickets", _("Open Tickets"), selectors.select_open, icon="bi-folder2-open"
)

CUSTOMER_USERS = Widget(
    key="customer-users",
    title=_("Customer Users"),
    column=MAIN,
    template=f"{TEMPLATE}#customer-users",
    query=selectors.customer_users_widget,
    icon="bi-people",
    paginated=True,
)
CUSTOMER_IDS = Widget(
    key="customer-ids",
    title=_("Customer IDs"),
    column=MAIN,
    template=f"{TEMPLATE}#customer-ids",
    query=selectors.customer_ids_widget,
    icon="bi-building",
    paginated=True,
)
SETTINGS = Widget(
    key="settings",
    title=_("Settings"),
    column=SIDEBAR,
    template=f"{TEMPLATE}#settings",
    query=selectors.settings_widget,
    icon="bi-sliders",
    closable=False,
    collapsed=True,
)
COMPANY_STATUS = Widget(
    key="company-status",
    title=_("Company Status"),
    column=SIDEBAR,
    template=f"{TEMPLATE}#company-status",
    query=selectors.company_status_widget,
    icon="bi-bar-chart",
)
CUSTOMER_INFORMATION = Widget(
    key="customer-information",
    title=_("Customer Information"),
    column=SIDEBAR,
    template=f"{TEMPLATE}#customer-information",
    query=selectors.customer_information_widget,
    icon="bi-info-circle",
)
CUSTOMER_USER_INFORMATION = Widget(
    key="customer-user-information",
    title=_("Customer User Information"),
    column=SIDEBAR,
    template=f"{TEMPLATE}#customer-user-information",
    query=selectors.customer_user_information_widget,
    icon="bi-person-vcard",
)

CIC = Dashboard(
    key="cic",
    title=_("Customer Information Center"),
    widgets=(
        CUSTOMER_USERS,
        REMINDER,
        ESCALATED,
        NEW,
        OPEN,
        SETTINGS,
        COMPANY_STATUS,
        CUSTOMER_INFORMATION,
    ),
)
CUIC = Dashboard(
    key="cuic",
    title=_("Customer User Information Center"),
    widgets=(
        CUSTOMER_IDS,
        REMINDER,
        ESCALATED,
        NEW,
        OPEN,
        SETTINGS,
        CUSTOMER_USER_INFORMATION,
        CUSTOMER_INFORMATION,
    ),
    scopes=("assigned", "accessible"),
)

QUEUE_OVERVIEW = Widget(
    key="queue-overview",
    title=_("Queue Overview"),
    column=MAIN,
    template=f"{TEMPLATE}#queue-overview",
    query=selectors.queue_overview_widget,
    icon="bi-inboxes",
)
TICKET_STATS = Widget(
    key="ticket-stats",
    title=_("Ticket Stats"),
    column=SIDEBAR,
    template=f"{TEMPLATE}#ticket-stats",
    query=selectors.ticket_stats_widget,
    icon="bi-graph-up",
)

# The agent dashboard is about no object: its widget URLs name the object "-".
AGENT_OBJECT = "-"
AGENT = Dashboard(
    key="agent",
    title=_("Dashboard"),
    widgets=(
        QUEUE_OVERVIEW,
        REMINDER,
        ESCALATED,
        NEW,
        OPEN,
        SETTINGS,
        TICKET_STATS,
    ),
)

DASHBOARDS: dict[str, Dashboard] = {d.key: d for d in (AGENT, CIC, CUIC)}


def get_dashboard(key: str) -> Dashboard | None:
    return DASHBOARDS.get(key)
