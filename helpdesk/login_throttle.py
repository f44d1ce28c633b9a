"""Login throttling: django-axes with two rules.

1. A username from one address: locked after `AXES_FAILURE_LIMIT` failures (guessing one
   account's password).
2. One address, whatever the usernames: locked after `HELPDESK_ADDRESS_FAILURE_LIMIT` failures
   (trying one password against every account). Higher, since a whole office may share an
   address.

`AXES_LOCKOUT_PARAMETERS` names both (`[["username", "ip_address"], "ip_address"]`, in this
order), but axes compares the largest count with its one limit; this handler gives the second
rule its own limit and keeps a successful login from clearing the address's count.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The pair's failures, or the address's scaled to `AXES_FAILURE_LIMIT`: reaching
        `HELPDESK_ADDRESS_FAILURE_LIMIT` reads as reaching the pair's limit."""
        pair, address = self.get_user_attempts(request, credentials)
        limit = get_failure_limit(request, credentials)
        return max(
            _failures(pair), _failures(address) * limit // settings.HELPDESK_ADDRESS_FAILURE_LIMIT
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears its own username's failures only: an attacker with one
        account must not wipe the address's count by logging into it now and then."""
        pair, _address = self.filter_user_attempts(request, credentials)
        count, _ = pair.delete()
        return count
