"""Views of the Customer Information Center (CIC) and the Customer User Information Center
(CUIC): the dashboard pages, the search dialog, one view serving every widget body, the
preferences endpoint, and the customer / customer user edit modals."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from customers.forms import CustomerForm, CustomerUserForm
from customers.services import CustomerError, can_manage_customers
from helpdesk.auth import agent_required
from helpdesk.pickers import agent_label
from helpdesk.responses import after_write

from . import search as search_rules
from .forms import PickForm, PreferencesForm, SearchForm, WidgetParamsForm, modal_layout
from .selectors import (
    WidgetContext,
    agent_counts,
    get_customer_for_agent,
    get_customer_user_for_agent,
    widget_states,
)
from .services import (
    PreferenceError,
    preference_update,
    preferences_reorder,
    preferences_set_enabled,
)
from .widgets import AGENT, AGENT_OBJECT, CIC, CUIC, Dashboard, get_dashboard

PAGE = "dashboards/dashboard.html"
WIDGETS = "dashboards/widgets.html"
MODAL = "dashboards/modal_form.html"


def _dashboard_or_404(key: str) -> Dashboard:
    dashboard = get_dashboard(key)
    if dashboard is None:
        raise Http404("No such dashboard.")
    return dashboard


def _subject(request, dashboard: Dashboard, object_id: str):
    """(customer, customer_user) a dashboard is about; 404 for an unknown one."""
    if dashboard.key == AGENT.key:
        if object_id != AGENT_OBJECT:
            raise Http404("The agent dashboard is about no object.")
        return None, None
    if dashboard.key == CIC.key:
        return get_customer_for_agent(request.user, object_id), None
    customer_user = get_customer_user_for_agent(request.user, object_id)
    return customer_user.customer, customer_user


def _object_id(customer, customer_user) -> str:
    if customer_user is not None:
        return customer_user.login
    if customer is not None:
        return customer.customer_id
    return AGENT_OBJECT


def _widget_context(
    request, board: Dashboard, state, states, *, customer, customer_user, params=None
) -> dict:
    """What a widget's template needs: the agent's stored choices, overridden by `params`
    (a tab, scope, page or page size asked for), and the widget query's results."""
    params = params or {}
    declared = state.widget
    object_id = _object_id(customer, customer_user)
    ctx = WidgetContext(
        agent=request.user,
        dashboard=board,
        widget=declared,
        customer=customer,
        customer_user=customer_user,
        now=timezone.now(),
        filter=params.get("filter") or state.filter,
        scope=params.get("scope") or state.scope,
        page=params.get("page") or 1,
        page_size=params.get("page_size") or state.page_size,
        states=states,
    )
    return {
        "dashboard": board,
        "widget": declared,
        "state": state,
        "customer": customer,
        "customer_user": customer_user,
        "object_id": object_id,
        "page_size": ctx.page_size,
        "page_sizes": (5, 10, 15, 20, 25, 50),
        "widget_url": reverse("dashboards:widget", args=[board.key, object_id, declared.key]),
        # Evaluated (two permission queries) only by the widgets that show edit buttons.
        "can_manage": SimpleLazyObject(lambda: can_manage_customers(request.user)),
        **declared.query(ctx),
    }


def _hx_trigger(response: HttpResponse, events: dict) -> HttpResponse:
    response["HX-Trigger"] = json.dumps(events)
    return response


def _bad_request(request, message: str) -> HttpResponse:
    return render(request, f"{WIDGETS}#error", {"message": message}, status=422)


# --- pages ----------------------------------------------------------------------------------


def _page(request, dashboard: Dashboard, *, customer=None, customer_user=None, search=None):
    """A dashboard with the first page of every enabled widget in the response: the agent
    waits for one request; HTMX then only serves tabs, paging and page size. A widget that is
    off runs no query. The page views are `never_cache`: going back to a dashboard must show
    the tabs chosen since, not the browser's copy of the first paint."""
    shown = dashboard.key == AGENT.key or customer is not None
    states = widget_states(request.user, dashboard) if shown else []
    frames = [
        {
            "state": state,
            "body": render_to_string(
                state.widget.template,
                _widget_context(
                    request,
                    dashboard,
                    state,
                    states,
                    customer=customer,
                    customer_user=customer_user,
                ),
                request,
            ),
        }
        for state in states
        if state.enabled
    ]
    context = {
        "dashboard": dashboard,
        "customer": customer,
        "customer_user": customer_user,
        "object_id": _object_id(customer, customer_user),
        "shown": shown,
        "main": [f for f in frames if f["state"].widget.column == "main"],
        "sidebar": [f for f in frames if f["state"].widget.column == "sidebar"],
        "search": search or {},
    }
    if dashboard.key == AGENT.key:
        context["counts"] = agent_counts(request.user, timezone.now())
    return render(request, PAGE, context)


@agent_required
@never_cache
def home(request):
    """The agent dashboard: the agent's workload over every queue its teams grant."""
    return _page(request, AGENT)


@agent_required
@never_cache
def cic(request):
    """The CIC without a customer: an empty page with the search dialog open."""
    return _page(request, CIC)


@agent_required
@never_cache
def cuic(request):
    """The CUIC without a customer user: an empty page with the search dialog open."""
    return _page(request, CUIC)


@agent_required
@never_cache
def cic_customer(request, customer_id: str):
    customer = get_customer_for_agent(request.user, customer_id)
    return _page(request, CIC, customer=customer)


@agent_required
@never_cache
def cuic_user(request, login: str):
    customer_user = get_customer_user_for_agent(request.user, login)
    return _page(request, CUIC, customer=customer_user.customer, customer_user=customer_user)


# --- search dialog --------------------------------------------------------------------------


@agent_required
@require_GET
@vary_on_headers("HX-Request")
def search(request):
    """As-you-type results of the search dialogs; without HTMX, the dialog page with them."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        if request.htmx:
            return _bad_request(request, message)
        response = _page(request, CIC, search={"error": message})
        response.status_code = 422
        return response
    query = form.cleaned_data["q"]
    kind = form.cleaned_data["kind"]
    dashboard = get_dashboard(form.cleaned_data["dashboard"])
    if kind == "customer":
        result = search_rules.search_customers(query)
    else:
        result = search_rules.search_customer_users(query)
    context = {
        "result": result,
        "kind": kind,
        "query": query,
        "dashboard": dashboard,
        "min_length": search_rules.MIN_LENGTH,
        "limit": search_rules.RESULT_LIMIT,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{PAGE}#search-results", context)
    return _page(request, dashboard, search=context)


# --- pickers (helpdesk/pickers.py) -----------------------------------------------------------


def _picked(request, search, item) -> JsonResponse:
    """The hits of a picker's search as `{value, text, detail}` (the field's key and label),
    with the total, under the rules of the search dialogs."""
    form = PickForm(request.GET)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return JsonResponse({"error": message}, status=400)
    result = search(form.cleaned_data)
    return JsonResponse(
        {
            "results": [item(hit) for hit in result.hits],
            "total": result.total,
            "too_short": result.too_short,
        }
    )


@agent_required
@require_GET
def pick_customers(request):
    return _picked(
        request,
        lambda data: search_rules.search_customers(data["q"]),
        lambda c: {"value": c.customer_id, "text": str(c), "detail": ""},
    )


@agent_required
@require_GET
def pick_customer_users(request):
    """`customer=ID`: only that customer's users (the new ticket's caller, its contacts)."""
    return _picked(
        request,
        lambda data: search_rules.search_customer_users(data["q"], customer=data["customer"]),
        lambda cu: {"value": cu.login, "text": str(cu), "detail": cu.login},
    )


@agent_required
@require_GET
def pick_agents(request):
    return _picked(
        request,
        lambda data: search_rules.search_agents(data["q"]),
        lambda user: {"value": str(user.pk), "text": agent_label(user), "detail": user.username},
    )


# --- widgets --------------------------------------------------------------------------------


@agent_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def widget(request, dashboard: str, object_id: str, widget: str):
    """One widget body. GET renders it with the given or remembered tab, scope and page size;
    POST (a tab or page-size click) also remembers the choice, then renders page 1."""
    board = _dashboard_or_404(dashboard)
    declared = board.widget(widget)
    if declared is None:
        raise Http404("No such widget.")
    customer, customer_user = _subject(request, board, object_id)
    data = request.POST if request.method == "POST" else request.GET
    form = WidgetParamsForm(data, dashboard=board, widget=declared)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _bad_request(request, message)
    params = form.cleaned_data
    if request.method == "POST":
        try:
            preference_update(
                user=request.user,
                dashboard=board,
                widget=declared.key,
                filter=params["filter"] or None,
                scope=params["scope"] or None,
                page_size=params["page_size"],
            )
        except PreferenceError as error:
            return _bad_request(request, str(error))
    states = widget_states(request.user, board)
    state = next(s for s in states if s.key == declared.key)
    context = _widget_context(
        request, board, state, states, customer=customer, customer_user=customer_user, params=params
    )
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, declared.template, context)
    return render(request, "dashboards/widget_page.html", context)


@agent_required
@require_POST
def preferences(request, dashboard: str):
    """Order (`order`), on/off (`enabled`) or one widget's choices (`widget` + …)."""
    board = _dashboard_or_404(dashboard)
    form = PreferencesForm(request.POST, dashboard=board)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _bad_request(request, message)
    data = form.cleaned_data
    try:
        if data["action"] == "order":
            preferences_reorder(user=request.user, dashboard=board, order=data["order"])
        elif data["action"] == "enabled":
            preferences_set_enabled(user=request.user, dashboard=board, enabled=data["enabled"])
        else:
            preference_update(
                user=request.user,
                dashboard=board,
                widget=data["widget"],
                filter=data["filter"] or None,
                scope=data["scope"] or None,
                page_size=data["page_size"],
                enabled=False if data["close"] else None,
            )
    except PreferenceError as error:
        return _bad_request(request, str(error))

    if not request.htmx:
        target = data["next"]
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)
        return HttpResponse(status=204)
    if data["action"] == "enabled":
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    if data["action"] == "widget" and data["close"]:
        title = board.widget(data["widget"]).title
        # An empty 200 lets htmx remove the widget frame (outerHTML swap).
        return _hx_trigger(
            HttpResponse(),
            {
                "showMessage": _("%(title)s turned off. Turn it on again in Settings.")
                % {"title": title},
                "dashboard-changed": True,
            },
        )
    return HttpResponse(status=204)


# --- customer and customer user modals ------------------------------------------------------


def _require_manage(request) -> None:
    if not can_manage_customers(request.user):
        raise PermissionDenied(_("You may not create or edit customers."))


USER_WIDGETS = ("customer-users", "customer-user-information")
CUSTOMER_WIDGETS = ("customer-ids", "customer-information")


def _modal(request, *, form, title: str, action: str, refresh: tuple, saved: bool = False):
    modal_layout(form)
    context = {"form": form, "title": title, "action": action, "refresh": refresh, "saved": saved}
    # Without HTMX (a link opened in a new tab) the same form shows as a page.
    template = MODAL if request.htmx else "dashboards/modal_page.html"
    return render(request, template, context)


def _modal_saved(request, *, form, title, action, refresh, finish: bool, message: str, done: str):
    """The answer to a committed save: close the modal, or show the saved object's form
    (`form()`, built only now: it reads the database, which may be gone after the commit)."""
    events = {"showMessage": message, **{f"refresh-{key}": True for key in refresh}}
    if finish and not request.htmx:
        return redirect(done)
    if finish:
        events["closeModal"] = True
        return _hx_trigger(HttpResponse(), events)
    return after_write(
        request,
        lambda: _hx_trigger(
            _modal(request, form=form(), title=title, action=action, refresh=refresh, saved=True),
            events,
        ),
        message=message,
        url=done,
    )


def _posted(request):
    """The form data of a POST (an empty one too), None for a GET."""
    return request.POST if request.method == "POST" else None


def _modal_form(request, form, *, title: str, action: str, refresh: tuple, on_save):
    """The modal with `form`; a valid POST saves it and answers with `_modal_saved`, whose
    arguments `on_save(saved)` gives (what to show next, the message, where "finish" goes)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except CustomerError as error:
            form.add_error(None, str(error))
        else:
            finish = "finish" in request.POST
            return _modal_saved(request, refresh=refresh, finish=finish, **on_save(saved))
    return _modal(request, form=form, title=title, action=action, refresh=refresh)


def _user_saved(customer_user, *, message: str, done: str) -> dict:
    """After a save, "Save" continues as an edit of the customer user."""
    return {
        "form": lambda: CustomerUserForm(instance=customer_user),
        "title": _("Edit %(name)s") % {"name": customer_user.full_name},
        "action": reverse("dashboards:customer-user-edit", args=[customer_user.login]),
        "message": message,
        "done": done,
    }


@agent_required
@require_http_methods(["GET", "POST"])
def customer_user_add(request, customer_id: str):
    """Add a customer user to the customer (CIC `customer-users`)."""
    _require_manage(request)
    customer = get_customer_for_agent(request.user, customer_id)
    initial = {"customer": customer, "customers": [customer]}
    form = CustomerUserForm(_posted(request), initial=initial)
    cic = reverse("dashboards:cic-customer", args=[customer.customer_id])
    return _modal_form(
        request,
        form,
        title=_("Add Customer User to %(customer)s") % {"customer": customer.name},
        action=reverse("dashboards:customer-user-add", args=[customer.customer_id]),
        refresh=USER_WIDGETS,
        on_save=lambda saved: _user_saved(
            saved, message=_("Customer user %(login)s added.") % {"login": saved.login}, done=cic
        ),
    )


@agent_required
@require_http_methods(["GET", "POST"])
def customer_user_edit(request, login: str):
    _require_manage(request)
    customer_user = get_customer_user_for_agent(request.user, login)
    form = CustomerUserForm(_posted(request), instance=customer_user)
    return _modal_form(
        request,
        form,
        title=_("Edit %(name)s") % {"name": customer_user.full_name},
        action=reverse("dashboards:customer-user-edit", args=[login]),
        refresh=USER_WIDGETS,
        on_save=lambda saved: _user_saved(
            saved,
            message=_("Customer user %(login)s saved.") % {"login": saved.login},
            done=reverse("dashboards:cuic-user", args=[saved.login]),
        ),
    )


@agent_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, customer_id: str):
    """Edit a customer (CUIC `customer-ids`)."""
    _require_manage(request)
    customer = get_customer_for_agent(request.user, customer_id)
    form = CustomerForm(_posted(request), instance=customer)
    return _modal_form(
        request,
        form,
        title=_("Edit %(name)s") % {"name": customer.name},
        action=reverse("dashboards:customer-edit", args=[customer.customer_id]),
        refresh=CUSTOMER_WIDGETS,
        on_save=lambda saved: {
            "form": lambda: CustomerForm(instance=saved),
            "title": _("Edit %(name)s") % {"name": saved.name},
            "action": reverse("dashboards:customer-edit", args=[saved.customer_id]),
            "message": _("Customer %(customer_id)s saved.") % {"customer_id": saved.customer_id},
            "done": reverse("dashboards:cic-customer", args=[saved.customer_id]),
        },
    )
