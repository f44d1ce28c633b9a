"""The answer to a write that has been committed."""

import logging
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

logger = logging.getLogger(__name__)


def after_write(
    request, render: Callable[[], HttpResponse], *, message: str, url: str
) -> HttpResponse:
    """`render()`: the page or fragment that shows the saved change.

    The change is committed by now. If showing it fails (the database went away after the
    commit, a broken template), the browser is sent to `url` with `message` instead (htmx:
    `HX-Redirect`): saved work never answers 500, which would make the user send it again.
    """
    try:
        return render()
    except Exception:  # any failure: the answer must still say the work was saved
        logger.exception("Showing a saved change failed; sending the browser to %s", url)
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
