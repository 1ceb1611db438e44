from django import forms
from django.utils import timezone


class FamilyFilterForm(forms.Form):
    STATUTS = [("", "Toutes"), ("actives", "Non anonymisées"), ("anonymisees", "Anonymisées")]

    numero = forms.IntegerField(label="N° de famille", required=False, min_value=1, max_value=2**62)
    statut = forms.ChoiceField(label="Statut", choices=STATUTS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


class ErasureRequestForm(forms.Form):
    recue_le = forms.DateField(
        label="Demande reçue le", help_text="Format : 22/11/2026.",
        widget=forms.DateInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    confirmation = forms.BooleanField(
        label="Je confirme que la famille a demandé l'effacement de ses données", required=True,
    )

    def clean_recue_le(self):
        day = self.cleaned_data["recue_le"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        if day.year < 2000:
            raise forms.ValidationError("Cette date de réception n'est pas plausible.")
        return day
