from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from .forms import AgentAuthenticationForm


class AgentLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = AgentAuthenticationForm
    redirect_authenticated_user = False


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return redirect(static("favicon.ico"))


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")
