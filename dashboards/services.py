"""Writes of the dashboards: an agent's widget preferences (order, on/off, tab, page size).

Every function checks that each widget key is a widget of that dashboard and raises
`PreferenceError` (nothing written) otherwise. Each writes all rows of the agent's dashboard
in one `INSERT … ON CONFLICT UPDATE` inside its own transaction, so a dashboard always has a
consistent, gap-free order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from .models import DashboardPreference
from .selectors import PAGE_SIZES, WidgetState, widget_states

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

    from .widgets import Dashboard


class PreferenceError(Exception):
    """The change was refused; the message is meant for the user."""


def _check_keys(dashboard: Dashboard, keys: Iterable[str]) -> list[str]:
    keys = list(keys)
    unknown = sorted({k for k in keys if dashboard.widget(k) is None})
    if unknown:
        raise PreferenceError(
            _("Unknown widget for the %(dashboard)s: %(widgets)s.")
            % {"dashboard": dashboard.title, "widgets": ", ".join(unknown)}
        )
    return keys


def _save(user: User, dashboard: Dashboard, states: list[WidgetState]) -> None:
    rows = [
        DashboardPreference(
            user=user,
            dashboard=dashboard.key,
            widget=state.key,
            position=position,
            enabled=state.enabled or not state.widget.closable,
            filter=state.filter,
            scope=state.scope,
            page_size=state.page_size,
        )
        for position, state in enumerate(states)
    ]
    DashboardPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "dashboard", "widget"],
        update_fields=["position", "enabled", "filter", "scope", "page_size"],
    )


@transaction.atomic
def preferences_reorder(*, user: User, dashboard: Dashboard, order: Iterable[str]) -> None:
    """Put the posted widgets first, in the posted order; the others (e.g. widgets turned off,
    which are not on the page) follow in their previous order."""
    order = _check_keys(dashboard, order)
    if len(set(order)) != len(order):
        raise PreferenceError(_("A widget appears twice in the new order."))
    if not order:
        raise PreferenceError(_("No widget order was sent."))
    states = widget_states(user, dashboard)
    by_key = {s.key: s for s in states}
    placed = [by_key[key] for key in order]
    _save(user, dashboard, placed + [s for s in states if s.key not in order])


@transaction.atomic
def preferences_set_enabled(*, user: User, dashboard: Dashboard, enabled: Iterable[str]) -> None:
    """Turn on exactly the listed widgets (the Settings widget stays on)."""
    enabled = set(_check_keys(dashboard, enabled))
    states = widget_states(user, dashboard)
    for state in states:
        state.enabled = state.key in enabled or not state.widget.closable
    _save(user, dashboard, states)


@transaction.atomic
def preference_update(
    *,
    user: User,
    dashboard: Dashboard,
    widget: str,
    filter: str | None = None,
    scope: str | None = None,
    page_size: int | None = None,
    enabled: bool | None = None,
) -> None:
    """Remember one widget's tab, scope (CUIC), page size, or turn it off (the × icon)."""
    _check_keys(dashboard, [widget])
    declared = dashboard.widget(widget)
    if filter is not None and filter not in declared.filters:
        raise PreferenceError(
            _("%(widget)s has no tab %(tab)s.") % {"widget": declared.title, "tab": repr(filter)}
        )
    if scope is not None and (scope not in dashboard.scopes or not declared.filters):
        raise PreferenceError(
            _("%(widget)s has no tab %(tab)s.") % {"widget": declared.title, "tab": repr(scope)}
        )
    if page_size is not None and (page_size not in PAGE_SIZES or not declared.paginated):
        raise PreferenceError(
            _("Page size must be one of %(sizes)s.") % {"sizes": ", ".join(map(str, PAGE_SIZES))}
        )
    if enabled is False and not declared.closable:
        raise PreferenceError(_("%(widget)s cannot be turned off.") % {"widget": declared.title})
    states = widget_states(user, dashboard)
    state = next(s for s in states if s.key == widget)
    if filter is not None:
        state.filter = filter
    if scope is not None:
        state.scope = scope
    if page_size is not None:
        state.page_size = page_size
    if enabled is not None:
        state.enabled = enabled
    _save(user, dashboard, states)
