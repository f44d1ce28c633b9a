"""Who may use which side of the product.

Agents are active staff users. Portal users are users linked to an active CustomerUser and
not staff. A portal user never reaches an agent page (it is sent to the portal) and an agent
visiting the portal is sent to the agent side.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.shortcuts import redirect, resolve_url


def is_agent(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def portal_customer_user(user):
    """The active CustomerUser behind a portal login, or None."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    customer_user = getattr(user, "customer_user", None)
    if customer_user is None or not customer_user.is_active:
        return None
    return customer_user


def _to_login(request, login_url):
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return redirect(f"{resolve_url(login_url)}?{query}")


def agent_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _to_login(request, "login")
        if not is_agent(user):
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return wrapper


def portal_user_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _to_login(request, "portal:login")
        if is_agent(user):
            return redirect("dashboards:home")
        customer_user = portal_customer_user(user)
        if customer_user is None:
            # Deactivated contact or a login without a customer user: no portal access.
            logout(request)
            return _to_login(request, "portal:login")
        request.customer_user = customer_user
        return view(request, *args, **kwargs)

    return wrapper
