"""The portal user's language and time zone."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk.auth import portal_user_required
from helpdesk.i18n import LocaleForm, session_locale_refresh


@portal_user_required
def preferences(request):
    contact = request.customer_user
    form = LocaleForm(
        request.POST if request.method == "POST" else None,
        initial={"language": contact.language, "time_zone": contact.time_zone},
        default_zone=contact.customer.time_zone,
    )
    if request.method == "POST":
        if form.is_valid():
            contact.language = form.cleaned_data["language"]
            contact.time_zone = form.cleaned_data["time_zone"]
            contact.save(update_fields=["language", "time_zone", "updated_at"])
            session_locale_refresh(request)
            messages.success(request, _("Your preferences are saved."))
            return redirect("portal:preferences")
        return render(request, "portal/preferences.html", {"form": form}, status=422)
    return render(request, "portal/preferences.html", {"form": form})
