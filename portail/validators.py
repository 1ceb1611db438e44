"""Password rules of the CNIL (délibération 2022-100)."""

import string

from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    """Requires the four kinds of characters: lower case, upper case, digit, special."""

    message = (
        "Le mot de passe doit contenir au moins une minuscule, une majuscule, un chiffre "
        "et un caractère spécial."
    )

    def validate(self, password, user=None):
        kinds = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        )
        if not all(kinds):
            raise ValidationError(self.message, code="password_character_classes")

    def get_help_text(self):
        return self.message
