from django.http import HttpResponse
from django.shortcuts import render

from helpdesk.auth import agent_required


@agent_required
def ticket_new_phone(request):
    return render(request, "tickets/new.html", {"channel": "phone"})


@agent_required
def ticket_new_email(request):
    return render(request, "tickets/new.html", {"channel": "email"})


@agent_required
def ticket_new_options(request):
    return HttpResponse("")


@agent_required
def contact_new(request, customer_id):
    return HttpResponse("")
