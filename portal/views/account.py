from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from helpdesk.auth import portal_user_required
from helpdesk.forms import PortalAuthenticationForm
from tickets.models import Ticket


class PortalLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm

    def get_default_redirect_url(self):
        from django.urls import reverse

        return reverse("portal:home")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:login")


@portal_user_required
def home(request):
    tickets = Ticket.objects.visible_to_portal_user(request.customer_user).for_list()
    return render(
        request,
        "portal/home.html",
        {
            "open_tickets": tickets.incomplete()[:10],
            "resolved_tickets": tickets.resolved()[:10],
        },
    )
