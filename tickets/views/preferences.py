from django.shortcuts import render

from helpdesk.auth import agent_required


@agent_required
def my_queues(request):
    return render(request, "tickets/preferences.html", {})
