from django.http import HttpResponse
from django.views.decorators.http import require_POST

from helpdesk.auth import agent_required

from ..selectors import get_ticket_for_agent


def _stub(request, number):
    get_ticket_for_agent(request.user, number)
    return HttpResponse(status=400)


ticket_reply = agent_required(require_POST(_stub))
ticket_note = agent_required(require_POST(_stub))
ticket_state = agent_required(require_POST(_stub))
ticket_time = agent_required(require_POST(_stub))
ticket_lock_toggle = agent_required(require_POST(_stub))
ticket_fields = agent_required(require_POST(_stub))
