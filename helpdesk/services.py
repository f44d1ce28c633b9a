"""Writes shared by every app."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import Submission, fit_to_field


@transaction.atomic
def submit_once(
    *, user, action: str, key: uuid.UUID | None, work: Callable[[], str]
) -> tuple[str, bool]:
    """Run `work` once per form key; returns (its result, whether it ran now).

    1. claim the key: a unique (user, action, key) row in this transaction;
    2. if an earlier submit holds it (committed, or committing while this one waited on the
       unique index), answer that submit's result without running `work`;
    3. else run `work` (its own transaction nests in this one) and keep its result.

    An error in `work` rolls the claim back with the work, so the same key can be sent again.
    Without a key (an old form or client) `work` simply runs.
    """
    if key is None:
        return work(), True
    try:
        with transaction.atomic():
            submission = Submission.objects.create(user=user, action=action, key=key)
    except IntegrityError:
        earlier = Submission.objects.get(user=user, action=action, key=key)
        return earlier.result, False
    result = work()
    submission.result = fit_to_field(Submission, "result", result)
    submission.save(update_fields=["result"])
    return result, True
