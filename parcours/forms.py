"""Forms of the pathway pages. Every form that changes a pathway carries the step it was shown
at (``expected_state``), so that a change from a stale page is refused by the service."""

from django import forms

from conventions.models import PlaceReservee, Structure

from .models import Adaptation, Bilan, NoteSuivi, Parcours, ProjetAccueil, ReunionConjointe, Sortie

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


class StaleGuardMixin(forms.Form):
    expected_state = forms.ChoiceField(choices=Parcours.State.choices, widget=forms.HiddenInput)

    def __init__(self, *args, parcours: Parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.parcours = parcours
        self.fields["expected_state"].initial = parcours.state
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "expected_state"}


class TransitionForm(StaleGuardMixin):
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AbandonForm(StaleGuardMixin):
    motif = forms.CharField(
        label="Motif de l'abandon", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : la famille se retire, absences répétées, déménagement.",
        error_messages={"required": "Le motif de l'abandon est obligatoire."},
    )


class ReunionForm(StaleGuardMixin, forms.ModelForm):
    class Meta:
        model = ReunionConjointe
        fields = [
            "date", "presence_famille", "presence_prescripteur", "presence_mediation", "autres_participants",
            "objectif_emploi", "objectif_formation", "objectif_langue", "objectif_droits", "objectifs_detail",
            "duree_parcours_parent_mois", "engagement_signe_le",
        ]
        widgets = {"date": DATE, "engagement_signe_le": DATE, "objectifs_detail": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        objectives = ("objectif_emploi", "objectif_formation", "objectif_langue", "objectif_droits")
        if not any(data.get(name) for name in objectives):
            raise forms.ValidationError("Indiquez au moins un objectif du parent.")
        signed = data.get("engagement_signe_le")
        if signed and data.get("date") and signed < data["date"]:
            self.add_error("engagement_signe_le", "L'engagement ne peut être signé avant la réunion.")
        return data


class ProjetAccueilForm(StaleGuardMixin, forms.ModelForm):
    class Meta:
        model = ProjetAccueil
        fields = ["etabli_le", "rythme", "besoins", "avis_medecin_requis", "avis_medecin", "avis_medecin_le"]
        widgets = {"etabli_le": DATE, "avis_medecin_le": DATE, "besoins": forms.Textarea(attrs={"rows": 3})}


class PlaceForm(StaleGuardMixin):
    debut = forms.DateField(label="Premier jour sur la place", widget=DATE)
    kind = forms.ChoiceField(label="Type de place", choices=PlaceReservee.Kind.choices)
    structure = forms.ModelChoiceField(
        label="Structure d'accueil", queryset=Structure.objects.none(), required=False,
        empty_label="Indifférent (première place libre)",
    )

    def __init__(self, *args, parcours, **kwargs):
        super().__init__(*args, parcours=parcours, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(
            pk__in=PlaceReservee.objects.filter(convention_id=parcours.convention_id).values("structure_id")
        )


class AdaptationForm(StaleGuardMixin, forms.ModelForm):
    class Meta:
        model = Adaptation
        fields = ["prevue_le", "demi_journee", "tenue_le", "observations"]
        widgets = {"prevue_le": DATE, "tenue_le": DATE, "observations": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"tenue_le": "À remplir une fois l'adaptation faite avec le parent."}


class PresenceForm(StaleGuardMixin):
    date = forms.DateField(label="Date", widget=DATE)
    arrivee = forms.TimeField(label="Arrivée", widget=TIME)
    depart = forms.TimeField(label="Départ", widget=TIME)

    def clean(self):
        data = super().clean()
        if data.get("arrivee") and data.get("depart") and data["depart"] <= data["arrivee"]:
            self.add_error("depart", "L'heure de départ doit suivre l'heure d'arrivée.")
        return data


class NoteForm(StaleGuardMixin):
    texte = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    visibilite = forms.ChoiceField(label="Visible par", choices=NoteSuivi.Visibilite.choices)


class BilanForm(StaleGuardMixin, forms.ModelForm):
    class Meta:
        model = Bilan
        fields = ["date", "developpement_enfant", "progres_parent", "cout_horaire", "signe_famille_le"]
        widgets = {
            "date": DATE, "signe_famille_le": DATE,
            "developpement_enfant": forms.Textarea(attrs={"rows": 3}),
            "progres_parent": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "cout_horaire": "Prix de revient d'une heure de place pour la convention, en euros.",
            "signe_famille_le": "Le bilan ne peut être clos qu'une fois co-signé avec la famille.",
        }

    def clean_cout_horaire(self):
        value = self.cleaned_data["cout_horaire"]
        if value < 0:
            raise forms.ValidationError("Le coût horaire ne peut pas être négatif.")
        return value


class SortieForm(StaleGuardMixin, forms.ModelForm):
    class Meta:
        model = Sortie
        fields = ["date", "issue_enfant", "situation_parent", "contrat", "commentaire"]
        widgets = {"date": DATE, "commentaire": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"contrat": "Obligatoire si le parent est en emploi."}

    def clean(self):
        data = super().clean()
        if data.get("situation_parent") == Sortie.SituationParent.EMPLOI and not data.get("contrat"):
            self.add_error("contrat", "Précisez le type de contrat du parent en emploi.")
        return data


class FilterForm(forms.Form):
    q = forms.CharField(label="Rechercher (n° de parcours, structure, convention)", required=False)
    state = forms.ChoiceField(label="Étape", required=False, choices=[("", "Toutes"), *Parcours.State.choices])
    convention = forms.ChoiceField(label="Convention", required=False)

    def __init__(self, *args, conventions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].choices = [("", "Toutes"), *((str(c.pk), c.titre) for c in conventions)]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
