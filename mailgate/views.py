from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from helpdesk.downloads import download

from .models import InboundMessage


@staff_member_required
def raw(request, pk: int):
    """The original message as received, for superusers only: it may hold what the ticket
    does not show (other recipients, dropped attachments, headers)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    message = get_object_or_404(InboundMessage, pk=pk)
    if not message.raw:
        raise Http404("The raw message was not kept.")
    return download(
        message.raw.open("rb"), filename=f"message-{message.pk}.eml", content_type="message/rfc822"
    )
