from django.contrib import messages
from django.shortcuts import redirect, render

from helpdesk.auth import agent_required

from .. import services
from ..forms import MyQueuesForm
from ..models import AgentPreferences


@agent_required
def my_queues(request):
    """Choose "my queues" among the queues the agent may see."""
    preferences = AgentPreferences.objects.filter(user=request.user).first()
    current = list(preferences.my_queues.values_list("pk", flat=True)) if preferences else []
    data = request.POST if request.method == "POST" else None
    form = MyQueuesForm(data, user=request.user, initial={"my_queues": current})
    if request.method == "POST":
        if form.is_valid():
            services.agent_my_queues_set(user=request.user, queues=form.cleaned_data["my_queues"])
            messages.success(request, "Your queues are saved.")
            return redirect("tickets:preferences")
        return render(request, "tickets/preferences.html", {"form": form}, status=400)
    return render(request, "tickets/preferences.html", {"form": form})
