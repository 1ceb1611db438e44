"""Forms of the public site: the fee simulator, the directory filters, the search box.

All are GET forms: a result can be bookmarked or shared, and nothing is stored.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms

from conventions.models import Structure
from conventions.rules import CareType, Fee, compute_fee
from conventions.selectors import bareme_on

# Above this, the amount is a typing error rather than a family's resources (the ceiling is far below).
MAX_MONTHLY_RESOURCES = Decimal("100000")
MAX_HOURS_PER_MONTH = Decimal("300")
MAX_CHILDREN = 10


def parse_number(raw: str, *, what: str) -> Decimal:
    """A French-typed number: ``2 500,50``, ``2500.5``, ``2 500 €`` → ``Decimal``; French error otherwise."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", raw or "").replace(",", ".")
    if not text:
        raise forms.ValidationError(f"Indiquez {what}.", code="required")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise forms.ValidationError(
            f"Indiquez {what} en chiffres, par exemple 1 850 ou 1 850,50.", code="invalid"
        )
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise forms.ValidationError(f"Indiquez {what} en chiffres.", code="invalid") from error


class RadioChoices(forms.RadioSelect):
    """Radio buttons whose field id is the first button's, so the error summary can link to it."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


@dataclass(frozen=True)
class Simulation:
    """A fee as the simulator shows it."""

    fee: Fee
    monthly_resources: Decimal
    care_type: CareType
    children: int
    hours: Decimal
    plancher: Decimal
    plafond: Decimal


class FeeSimulatorForm(forms.Form):
    ressources = forms.CharField(
        label="Ressources de la famille (en euros)", max_length=20,
        help_text="Revenus nets imposables du foyer avant abattement, hors prestations familiales.",
        error_messages={"required": "Indiquez les ressources de la famille."},
    )
    periode = forms.ChoiceField(
        label="Ces ressources sont", widget=RadioChoices, initial="annuelles",
        choices=[("annuelles", "annuelles (par an)"), ("mensuelles", "mensuelles (par mois)")],
        error_messages={"required": "Précisez si les ressources sont annuelles ou mensuelles.",
                        "invalid_choice": "Choisissez « annuelles » ou « mensuelles »."},
    )
    enfants = forms.CharField(
        label="Nombre d'enfants à charge", max_length=4,
        help_text="Au sens des prestations familiales, en comptant l'enfant à accueillir (1 à 10).",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "Indiquez le nombre d'enfants à charge."},
    )
    accueil = forms.ChoiceField(
        label="Type d'accueil", widget=RadioChoices, initial=CareType.COLLECTIF.value,
        choices=[(CareType.COLLECTIF.value, "crèche collective, multi-accueil ou halte-garderie"),
                 (CareType.FAMILIAL.value, "crèche familiale")],
        error_messages={"required": "Choisissez le type d'accueil.",
                        "invalid_choice": "Choisissez « crèche collective » ou « crèche familiale »."},
    )
    heures = forms.CharField(
        label="Heures d'accueil par mois", max_length=10,
        help_text="Le nombre d'heures prévues au contrat pour un mois, par exemple 120.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": "Indiquez le nombre d'heures d'accueil par mois."},
    )
    handicap = forms.BooleanField(
        label="Un enfant de la famille est en situation de handicap (AEEH ou PCH)", required=False
    )
    hors_commune = forms.BooleanField(label="La famille habite hors de la commune de la crèche", required=False)

    def __init__(self, *args, day: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        for name in ("ressources", "enfants", "heures"):
            self.fields[name].widget.attrs.update({"class": "form-control", "autocomplete": "off"})
        for name in ("handicap", "hors_commune"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["ressources"].widget.attrs["inputmode"] = "decimal"

    def clean_ressources(self):
        amount = parse_number(self.cleaned_data["ressources"], what="les ressources de la famille")
        if amount < 0:
            raise forms.ValidationError(
                "Les ressources ne peuvent pas être négatives (indiquez 0 si vous n'en avez pas)."
            )
        return amount

    def clean_enfants(self):
        number = parse_number(self.cleaned_data["enfants"], what="le nombre d'enfants à charge")
        if number != number.to_integral_value():
            raise forms.ValidationError("Le nombre d'enfants est un nombre entier, par exemple 2.")
        if number < 1:
            raise forms.ValidationError("Comptez au moins un enfant : celui qui serait accueilli.")
        if number > MAX_CHILDREN:
            raise forms.ValidationError(
                f"Le barème de la CNAF s'arrête à {MAX_CHILDREN} enfants à charge : indiquez un nombre entre 1 et 10."
            )
        return int(number)

    def clean_heures(self):
        hours = parse_number(self.cleaned_data["heures"], what="le nombre d'heures d'accueil par mois")
        if hours < 0:
            raise forms.ValidationError("Le nombre d'heures ne peut pas être négatif.")
        if hours > MAX_HOURS_PER_MONTH:
            raise forms.ValidationError(
                f"Un mois compte au plus {MAX_HOURS_PER_MONTH} heures d'accueil environ : vérifiez ce nombre."
            )
        return hours

    def clean(self):
        cleaned = super().clean()
        amount, period = cleaned.get("ressources"), cleaned.get("periode")
        if amount is None or not period:
            return cleaned
        monthly = amount / 12 if period == "annuelles" else amount
        if monthly > MAX_MONTHLY_RESOURCES:
            self.add_error(
                "ressources",
                "Ce montant paraît trop élevé : vérifiez-le et précisez s'il est annuel ou mensuel.",
            )
            return cleaned
        cleaned["monthly_resources"] = monthly
        if "enfants" in cleaned and "accueil" in cleaned and "heures" in cleaned:
            try:
                self.simulation = self._simulate(cleaned)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
            except LookupError as error:  # conventions.selectors.BaremeIntrouvable
                raise forms.ValidationError(str(error)) from error
        return cleaned

    def _simulate(self, cleaned) -> Simulation:
        bareme = bareme_on(self.day)
        care_type = CareType(cleaned["accueil"])
        fee = compute_fee(
            bareme, care_type=care_type, children=cleaned["enfants"],
            monthly_resources=cleaned["monthly_resources"], disabled_child=cleaned["handicap"],
            outside_commune=cleaned["hors_commune"], hours_per_month=cleaned["heures"],
        )
        return Simulation(
            fee=fee, monthly_resources=cleaned["monthly_resources"], care_type=care_type,
            children=cleaned["enfants"], hours=cleaned["heures"], plancher=bareme.plancher, plafond=bareme.plafond,
        )

    def result(self) -> Simulation | None:
        return getattr(self, "simulation", None)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Nom ou adresse", required=False, max_length=100)
    commune = forms.ChoiceField(label="Commune", required=False)
    kind = forms.ChoiceField(
        label="Type de structure", required=False, choices=[("", "Tous les types"), *Structure.Kind.choices]
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes les communes"), *((str(c.pk), c.nom) for c in communes)]
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        for name in ("commune", "kind"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_commune(self):
        value = self.cleaned_data["commune"]
        return int(value) if value else None


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher sur le site", max_length=100,
        error_messages={"required": "Saisissez un ou plusieurs mots à rechercher."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if not value:
            raise forms.ValidationError("Saisissez un ou plusieurs mots à rechercher.")
        return value
