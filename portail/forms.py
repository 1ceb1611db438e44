from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from .models import AuditEvent, Partenaire, Role, User


class BootstrapFormMixin:
    """Gives each widget its Bootstrap 5 class (``form-control``, ``form-select``…)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self):
        """Marks invalid fields for assistive technologies: ``aria-invalid`` and the error's id."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                field_id = self[name].auto_id
                help_id = f"{field_id}_helptext " if self.fields[name].help_text else ""
                attrs["aria-describedby"] = f"{help_id}{field_id}_error"


class EmailAuthenticationForm(BootstrapFormMixin, AuthenticationForm):
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


class TokenForm(BootstrapFormMixin, forms.Form):
    """A six-digit code from the application, or a recovery code."""

    token = forms.CharField(
        label="Code de vérification", max_length=16,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": "Saisissez le code de vérification."},
    )


class InvitationForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        error_messages={"required": "Saisissez l'adresse électronique de la personne à inviter.",
                        "invalid": "Saisissez une adresse électronique valide."},
    )
    role = forms.ChoiceField(
        label="Rôle", choices=Role.choices, error_messages={"required": "Choisissez un rôle."}
    )
    partenaire = forms.ModelChoiceField(
        label="Partenaire", queryset=Partenaire.objects.none(),
        error_messages={"required": "Choisissez un partenaire.",
                        "invalid_choice": "Ce partenaire n'existe pas ou vous ne l'administrez pas."},
    )

    def __init__(self, *args, partenaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = partenaires
        if len(partenaires) == 1:
            self.fields["partenaire"].initial = partenaires[0]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class InvitationAcceptForm(BootstrapFormMixin, forms.Form):
    """A new account's name and password; the password meets the CNIL rules (validators)."""

    first_name = forms.CharField(label="Prénom", max_length=150,
                                 error_messages={"required": "Saisissez votre prénom."})
    last_name = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Saisissez votre nom."})
    password1 = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": "Choisissez un mot de passe."},
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Saisissez à nouveau le mot de passe."},
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif password1:
            candidate = User(email=self.email, first_name=cleaned.get("first_name", ""),
                             last_name=cleaned.get("last_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MemberFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Rechercher (nom ou adresse)", required=False)
    role = forms.ChoiceField(label="Rôle", choices=[("", "Tous"), *Role.choices], required=False)
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), ("actif", "Actifs"), ("inactif", "Désactivés")], required=False
    )


class PartenaireForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Partenaire
        fields = ["nom", "kind", "communes", "is_active"]
        widgets = {"communes": forms.SelectMultiple(attrs={"size": 8})}
        error_messages = {
            "nom": {"required": "Saisissez le nom du partenaire.",
                    "unique": "Un partenaire porte déjà ce nom."},
            "kind": {"required": "Choisissez le type de partenaire."},
        }


class PartenaireFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Rechercher un partenaire", required=False)
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous"), *Partenaire.Kind.choices], required=False)
    habilite = forms.ChoiceField(
        label="Habilitation", choices=[("", "Tous"), ("oui", "Habilités"), ("non", "Non habilités")],
        required=False,
    )


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return model._meta.verbose_name if model else obj.model


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(
        label="Action", choices=[("", "Toutes"), *AuditEvent.Action.choices], required=False
    )
    type = ContentTypeChoiceField(
        label="Type d'objet", required=False, empty_label="Tous",
        queryset=ContentType.objects.filter(pk__in=AuditEvent.objects.values("content_type")).order_by("model"),
        error_messages={"invalid_choice": "Ce type d'objet est inconnu."},
    )
    auteur = forms.CharField(label="Auteur (adresse électronique)", required=False)
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         error_messages={"invalid": "Saisissez une date valide."})
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         error_messages={"invalid": "Saisissez une date valide."})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du") and cleaned.get("au") and cleaned["du"] > cleaned["au"]:
            self.add_error("au", "La date de fin doit suivre la date de début.")
        return cleaned


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass
