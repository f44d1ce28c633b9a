"""Which language and time zone a person sees (DESIGN §11).

The language is the person's preference, else the browser's (the language cookie the switch
sets, then `Accept-Language`), else `LANGUAGE_CODE`. The zone is the person's preference,
else their customer's (portal users), else `TIME_ZONE`. A logged-in person's preferences are
read once at login and kept in the session, so a page costs no query for them; changing them
here refreshes the session. Emails use the recipient's preferences, found by address.
"""

from __future__ import annotations

import zoneinfo
from contextlib import contextmanager
from functools import cache

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

SESSION_KEY = "_locale"


@cache
def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone a person would pick (regions, not `Etc/GMT+3` or legacy aliases)."""
    regions = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe")
    regions += ("Indian", "Pacific")
    names = sorted(z for z in zoneinfo.available_timezones() if z.split("/")[0] in regions)
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def language_choice_list() -> list[tuple[str, str]]:
    """The site's languages, blank meaning "the browser's"."""
    return [("", gettext("The browser's language")), *settings.LANGUAGES]


def zone_choice_list(default: str) -> list[tuple[str, str]]:
    """The zones, blank naming what it falls back to."""
    return [("", gettext("Default (%(zone)s)") % {"zone": default}), *zone_choices()]


def zone_valid(name: str) -> bool:
    return name in {value for value, _label in zone_choices()}


def language_valid(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def _customer_user(user):
    from customers.models import CustomerUser

    return CustomerUser.objects.select_related("customer").filter(user=user).first()


def person_locale(user) -> tuple[str, str]:
    """(language, zone) a logged-in person chose; "" where they left it to the default."""
    if not user.is_staff:
        customer_user = _customer_user(user)
        if customer_user is not None:
            zone = customer_user.time_zone or customer_user.customer.time_zone
            return customer_user.language, zone
    from tickets.models import AgentPreferences

    row = AgentPreferences.objects.filter(user=user).values_list("language", "time_zone").first()
    return row or ("", "")


def address_locale(address: str) -> tuple[str, str]:
    """(language, zone) for an email to this address: a contact's or an agent's preferences,
    else the site's."""
    from customers.models import CustomerUser
    from tickets.models import AgentPreferences

    contact = (
        CustomerUser.objects.filter(email__iexact=address, is_active=True)
        .values_list("language", "time_zone", "customer__time_zone")
        .order_by("-updated_at")
        .first()
    )
    if contact is not None:
        language, zone, customer_zone = contact
    else:
        language, zone = (
            AgentPreferences.objects.filter(user__email__iexact=address, user__is_active=True)
            .values_list("language", "time_zone")
            .first()
        ) or ("", "")
        customer_zone = ""
    return language or settings.LANGUAGE_CODE, zone or customer_zone or settings.TIME_ZONE


@contextmanager
def locale_override(language: str, zone: str):
    """Render something (an email) in another person's language and zone."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        yield


def session_locale_refresh(request, user=None) -> tuple[str, str]:
    locale = person_locale(user or request.user)
    request.session[SESSION_KEY] = list(locale)
    return locale


@receiver(user_logged_in)
def _remember_locale(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_locale_refresh(request, user)


class LocaleMiddleware:
    """Activates the viewer's language and time zone for the request (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The session alone (no user row) for a page that does not otherwise need the user.
        stored = request.session.get(SESSION_KEY)
        if stored:
            language, zone = stored
        elif request.user.is_authenticated:
            language, zone = session_locale_refresh(request)
        else:
            language, zone = "", ""
        if not language_valid(language):
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if zone and zone_valid(zone):
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class LocaleForm(forms.Form):
    """The language and zone fields of both preference pages."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args, default_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choice_list()
        self.fields["time_zone"].choices = zone_choice_list(default_zone or settings.TIME_ZONE)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboards:home")


@require_POST
def set_language(request):
    """The navbar's language switch: stores the choice as the person's preference (or, before
    login, in the language cookie) and returns to the page."""
    code = request.POST.get("language", "")
    if not language_valid(code):
        return HttpResponseBadRequest(gettext("Unknown language."), content_type="text/plain")
    user = request.user
    if user.is_authenticated:
        language_preference_set(user, code)
        session_locale_refresh(request)
    translation.activate(code)
    messages.success(request, gettext("Your language is saved."))
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


def language_preference_set(user, code: str) -> None:
    from customers.models import CustomerUser
    from tickets.models import AgentPreferences

    if not user.is_staff and CustomerUser.objects.filter(user=user).update(language=code):
        return
    AgentPreferences.objects.update_or_create(user=user, defaults={"language": code})
