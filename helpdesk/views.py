from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from tickets.models import Ticket
from tickets.querysets import TicketRules

from .auth import agent_required
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


@agent_required
def home(request):
    """The agent's start page: its own workload at a glance."""
    now = timezone.now()
    visible = Ticket.objects.visible_to_agent(request.user)
    counts = visible.counts(
        locked=TicketRules.locked_by(request.user),
        new=TicketRules.new(),
        open=TicketRules.open(),
        escalated=TicketRules.escalated(now),
    )
    recent = visible.incomplete().for_list()[:10]
    return render(request, "home.html", {"counts": counts, "recent": recent})
