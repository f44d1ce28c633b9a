from django.http import FileResponse
from django.shortcuts import render

from helpdesk.auth import agent_required

from ..selectors import get_attachment_for_agent, get_ticket_for_agent, ticket_articles


@agent_required
def ticket_detail(request, number):
    ticket = get_ticket_for_agent(request.user, number)
    return render(
        request, "tickets/detail.html", {"ticket": ticket, "articles": ticket_articles(ticket)}
    )


@agent_required
def attachment_download(request, pk):
    attachment = get_attachment_for_agent(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
