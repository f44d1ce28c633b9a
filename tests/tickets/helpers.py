import re

from django.urls import reverse

TICKET_ROW = re.compile(r'<tr data-ticket="([^"]+)"')


def rows(response) -> list[str]:
    """Ticket numbers of the result rows, in order."""
    return TICKET_ROW.findall(response.content.decode())


def search(client, **params):
    return client.get(reverse("tickets:list"), params)
