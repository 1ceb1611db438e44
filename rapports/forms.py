from datetime import date

from django import forms

from . import rules
from .models import ExportJob


class PeriodForm(forms.Form):
    """The period of a report: a year, a semester, a month or two dates."""

    kind = forms.ChoiceField(label="Type de période", choices=rules.PeriodKind.CHOICES, initial=rules.PeriodKind.YEAR)
    annee = forms.IntegerField(label="Année", min_value=2000, max_value=2100, required=False)
    semestre = forms.TypedChoiceField(
        label="Semestre", choices=((1, "1er semestre"), (2, "2d semestre")), coerce=int, required=False
    )
    mois = forms.TypedChoiceField(
        label="Mois", choices=[(i + 1, name.capitalize()) for i, name in enumerate(rules.MONTH_NAMES)],
        coerce=int, required=False,
    )
    debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fin = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["annee"].initial = today.year
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        year = data.get("annee") or self.today.year
        if kind == rules.PeriodKind.SEMESTER and not data.get("semestre"):
            self.add_error("semestre", "Choisissez le semestre.")
        elif kind == rules.PeriodKind.MONTH and not data.get("mois"):
            self.add_error("mois", "Choisissez le mois.")
        elif kind == rules.PeriodKind.CUSTOM:
            if not data.get("debut"):
                self.add_error("debut", "Indiquez le premier jour de la période.")
            if not data.get("fin"):
                self.add_error("fin", "Indiquez le dernier jour de la période.")
            if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
                self.add_error("fin", "La fin de la période doit suivre son début.")
            elif data.get("debut") and data.get("fin") and (data["fin"] - data["debut"]).days > 366 * 5:
                self.add_error("fin", "Une période personnalisée couvre au plus cinq ans.")
        if self.errors:
            return data
        if kind == rules.PeriodKind.SEMESTER:
            data["period"] = rules.semester(year, data["semestre"])
        elif kind == rules.PeriodKind.MONTH:
            data["period"] = rules.month(year, data["mois"])
        elif kind == rules.PeriodKind.CUSTOM:
            data["period"] = rules.custom(data["debut"], data["fin"])
        else:
            data["period"] = rules.year(year)
        return data


class ExportForm(forms.Form):
    format = forms.ChoiceField(label="Format", choices=ExportJob.Format.choices, widget=forms.RadioSelect)
    detail = forms.BooleanField(
        label="Ajouter la liste anonymisée des parcours (classeur XLSX, coordination seulement)", required=False
    )


class ObservatoryForm(PeriodForm):
    commune = forms.ModelChoiceField(
        label="Commune", queryset=None, required=False, empty_label="Tout le territoire"
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.attrs["class"] = "form-select"


class CommissionForm(forms.Form):
    date = forms.DateField(label="Date de la séance", widget=forms.DateInput(attrs={"type": "date"}))
    territoire = forms.CharField(label="Territoire", max_length=200)
    places = forms.IntegerField(label="Places à attribuer", min_value=1, max_value=500)
    membres = forms.ModelMultipleChoiceField(
        label="Membres", queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="Élus et partenaires qui examinent les demandes anonymisées.",
    )

    def __init__(self, *args, membres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membres"].queryset = membres
        for name in ("date", "territoire", "places"):
            self.fields[name].widget.attrs["class"] = "form-control"


class PropositionForm(forms.Form):
    proposition = forms.ChoiceField(label="Proposition", choices=())
    decision = forms.ChoiceField(label="Décision", choices=())
    structure = forms.ModelChoiceField(
        label="Structure de la place attribuée", queryset=None, required=False,
        error_messages={
            "invalid_choice": "Cette structure n'a pas de place réservée pour la convention de la commission.",
        },
    )
    observations = forms.CharField(label="Observations (sans nom)", max_length=250, required=False)

    def __init__(self, *args, structures, **kwargs):
        from .models import Proposition

        super().__init__(*args, **kwargs)
        self.fields["proposition"].choices = Proposition.Decision.choices
        self.fields["decision"].choices = Proposition.Decision.choices
        self.fields["structure"].queryset = structures
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
