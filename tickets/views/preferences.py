from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk.auth import agent_required
from helpdesk.i18n import LocaleForm, session_locale_refresh

from .. import services
from ..forms import MyQueuesForm
from ..models import AgentPreferences


@agent_required
def my_queues(request):
    """The agent's preferences: "my queues" among the queues it may see, language and zone."""
    preferences = AgentPreferences.objects.filter(user=request.user).first()
    current = list(preferences.my_queues.values_list("pk", flat=True)) if preferences else []
    data = request.POST if request.method == "POST" else None
    form = MyQueuesForm(data, user=request.user, initial={"my_queues": current})
    locale_initial = (
        {"language": preferences.language, "time_zone": preferences.time_zone}
        if preferences
        else {}
    )
    locale_form = LocaleForm(data, initial=locale_initial)
    context = {"form": form, "locale_form": locale_form}
    if request.method == "POST":
        if form.is_valid() and locale_form.is_valid():
            with transaction.atomic():
                services.agent_my_queues_set(
                    user=request.user, queues=form.cleaned_data["my_queues"]
                )
                services.agent_locale_set(user=request.user, **locale_form.cleaned_data)
            session_locale_refresh(request)
            messages.success(request, _("Your preferences are saved."))
            return redirect("tickets:preferences")
        return render(request, "tickets/preferences.html", context, status=422)
    return render(request, "tickets/preferences.html", context)
