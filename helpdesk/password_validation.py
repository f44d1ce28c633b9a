"""Password rules of our own, next to Django's (settings.AUTH_PASSWORD_VALIDATORS): the portal's
password change and `createagent` run them all."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotBlankValidator:
    """Eight spaces are eight characters long, and no secret."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                _("This password consists of spaces only."), code="password_blank"
            )

    def get_help_text(self) -> str:
        return _("Your password can't consist of spaces only.")


class CharacterVarietyValidator:
    """At least `min_distinct` different characters: `aaaaaaaa` and `abababab` are long
    enough for the length rule and guessed at once."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                _(
                    "This password repeats too few characters: use at least %(min_distinct)d "
                    "different ones."
                ),
                code="password_too_uniform",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return _("Your password must use at least %(min_distinct)d different characters.") % {
            "min_distinct": self.min_distinct
        }
