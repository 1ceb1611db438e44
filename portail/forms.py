from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with the e-mail address, with French messages that reveal nothing."""

    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class MembershipChoiceForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class TokenForm(forms.Form):
    """A six-digit code from the application, or a recovery code."""

    token = forms.CharField(
        label="Code de vérification", max_length=16,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": "Saisissez le code de vérification."},
    )
