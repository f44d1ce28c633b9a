from django.shortcuts import render

from helpdesk.auth import agent_required

from ..selectors import tickets_for_agent


@agent_required
def ticket_list(request):
    tickets = tickets_for_agent(request.user).for_list()[:50]
    return render(request, "tickets/list.html", {"tickets": tickets})
