"""Base pieces every app shares."""

from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def fit_to_field(model: type[models.Model], field: str, value: str) -> str:
    """`value` cut to the column's `max_length`, for values the code derives from what people
    typed (`Re: ` + a title of the maximum length): PostgreSQL refuses a longer value where
    SQLite would store it."""
    max_length = model._meta.get_field(field).max_length
    if max_length is None or len(value) <= max_length:
        return value
    return value[: max_length - 1] + "…"
