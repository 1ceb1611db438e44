"""Back-office forms of facilities and conventions; every message in French."""

from __future__ import annotations

import itertools

from django import forms
from django.forms import inlineformset_factory

from portail.models import Commune, Partenaire

from .models import (
    Convention,
    Fermeture,
    Financement,
    HoraireOuverture,
    PlaceReservee,
    Signataire,
    Structure,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class BootstrapMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on fields in error."""

    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        self._style()


class StructureForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "nom", "kind", "gestionnaire", "adresse", "commune", "telephone", "qpv", "places_total",
            "age_min_semaines", "age_max_mois", "accueil_familial", "tarif_urgence",
            "majoration_hors_commune", "is_active",
        ]
        localized_fields = ["tarif_urgence", "majoration_hors_commune"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gestionnaire"].queryset = Partenaire.objects.order_by("nom")
        self.fields["commune"].queryset = Commune.objects.order_by("nom")
        self._style()

    def clean(self):
        data = super().clean()
        age_max, age_min = data.get("age_max_mois"), data.get("age_min_semaines")
        if age_max is not None and age_min is not None and age_max * 4 <= age_min:
            self.add_error("age_max_mois", "L'âge maximum doit dépasser l'âge minimum.")
        if self.instance.pk and data.get("places_total") is not None:
            reserved = self.instance.places_reservees.count()
            if data["places_total"] < reserved:
                self.add_error(
                    "places_total",
                    f"Les conventions réservent déjà {reserved} places dans cette structure.",
                )
        return data


class HoraireForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = HoraireOuverture
        fields = ["weekday", "ouverture", "fermeture"]
        widgets = {"ouverture": TIME, "fermeture": TIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class FermetureForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Fermeture
        fields = ["debut", "fin", "motif"]
        widgets = {"debut": DATE, "fin": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class OverlapCheckingFormSet(forms.BaseInlineFormSet):
    """Opening periods of one weekday must not overlap."""

    def clean(self):
        super().clean()
        periods: dict[int, list] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not all(data.get(k) for k in ("ouverture", "fermeture")):
                continue
            periods.setdefault(data["weekday"], []).append((data["ouverture"], data["fermeture"]))
        for weekday, spans in periods.items():
            spans.sort()
            for (_start, end), (next_start, _next_end) in itertools.pairwise(spans):
                if next_start < end:
                    label = HoraireOuverture.Weekday(weekday).label.lower()
                    raise forms.ValidationError(f"Deux plages horaires du {label} se chevauchent.")


HoraireFormSet = inlineformset_factory(
    Structure, HoraireOuverture, form=HoraireForm, formset=OverlapCheckingFormSet, extra=2, can_delete=True
)
FermetureFormSet = inlineformset_factory(Structure, Fermeture, form=FermetureForm, extra=1, can_delete=True)


class ConventionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "titre", "debut", "fin", "reconduction_annuelle", "age_min_semaines", "age_max_mois", "communes",
            "criteres_prioritaires", "gratuite_mois", "duree_min_parcours_mois", "frequentation_min_par_mois",
            "creneau_max_minutes", "delai_reponse_jours", "budget_annuel",
        ]
        widgets = {"debut": DATE, "fin": DATE, "criteres_prioritaires": forms.Textarea(attrs={"rows": 3})}
        localized_fields = ["budget_annuel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.order_by("nom")
        self._style()

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La date de fin doit suivre la date de début.")
        if self.instance.pk and debut and fin:
            outside = self.instance.places_reservees.filter(attributions__debut__lt=debut).exists() or (
                self.instance.places_reservees.filter(attributions__debut__gt=fin).exists()
            )
            if outside:
                self.add_error(None, "Des attributions commencent en dehors de ces dates : modifiez-les d'abord.")
        return data


class SignataireForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Signataire
        fields = ["partenaire", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = Partenaire.objects.order_by("nom")
        self._style()


class FinancementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Financement
        fields = ["partenaire", "annee", "montant"]
        localized_fields = ["montant"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = Partenaire.objects.order_by("nom")
        self._style()


SignataireFormSet = inlineformset_factory(
    Convention, Signataire, form=SignataireForm, extra=2, can_delete=True
)
FinancementFormSet = inlineformset_factory(
    Convention, Financement, form=FinancementForm, extra=1, can_delete=True
)


class ReserverPlacesForm(BootstrapMixin, forms.Form):
    prefix = "reserver"
    structure = forms.ModelChoiceField(label="structure", queryset=Structure.objects.none())
    kind = forms.ChoiceField(label="type de place", choices=PlaceReservee.Kind.choices)
    nombre = forms.IntegerField(label="nombre de places", min_value=1, max_value=50)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self._style()

    def clean(self):
        data = super().clean()
        structure, nombre = data.get("structure"), data.get("nombre")
        if structure and nombre:
            free = structure.places_total - structure.places_reservees.count()
            if nombre > free:
                self.add_error("nombre", f"La structure n'a plus que {free} place(s) non réservée(s).")
        return data


class AttribuerForm(BootstrapMixin, forms.Form):
    prefix = "attribuer"
    parcours = forms.ModelChoiceField(label="parcours", queryset=None, empty_label="Choisir un parcours")
    kind = forms.ChoiceField(label="type de place", choices=PlaceReservee.Kind.choices)
    debut = forms.DateField(label="premier jour d'accueil", widget=DATE)
    structure = forms.ModelChoiceField(
        label="structure", queryset=None, required=False, empty_label="Indifférent",
    )
    liste_attente = forms.BooleanField(
        label="inscrire sur la liste d'attente si aucune place n'est libre", required=False
    )

    def __init__(self, *args, parcours, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcours"].queryset = parcours
        self.fields["parcours"].label_from_instance = lambda p: f"Parcours n° {p.pk} ({p.get_state_display()})"
        self.fields["structure"].queryset = structures
        self._style()


class LibererForm(BootstrapMixin, forms.Form):
    fin = forms.DateField(label="dernier jour d'accueil", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
