"""Log in, log out and change the password."""

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout, update_session_auth_hash
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.auth import portal_user_required
from helpdesk.forms import PortalAuthenticationForm


class PortalLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm

    def get_default_redirect_url(self):
        return reverse("portal:home")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:login")


def internal_login(request) -> bool:
    """A usable password, and the session was authenticated by Django's own backend."""
    if not request.user.has_usable_password():
        return False
    try:
        backend = import_string(request.session.get(BACKEND_SESSION_KEY, ""))
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, ModelBackend)


@portal_user_required
def password_change(request):
    """Only internal logins have a password to change here; for the others it does not exist."""
    if not internal_login(request):
        raise Http404("Your password is managed elsewhere.")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed. You are still logged in."))
        return redirect("portal:home")
    return render(request, "portal/password.html", {"form": form})
