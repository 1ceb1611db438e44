"""Forms of the referrals app: French messages, errors next to their field."""

from __future__ import annotations

import uuid

from django import forms
from django.core.validators import MaxValueValidator
from django.forms.formsets import TOTAL_FORM_COUNT
from django.utils import timezone

from conventions.models import Convention, Structure
from portail.models import Commune

from . import rules
from .models import Enfant, Famille, Motif, MotifRefus, Orientation, Parent, Ponderation, RessourcesStatut

FINALITES = [
    ("orientation", "Étudier la demande d'accueil de l'enfant avec les partenaires de la convention"),
    ("parcours", "Suivre le parcours de la famille (réunion tripartite, accueil, bilan)"),
    ("statistiques", "Établir les bilans anonymisés de la convention pour ses financeurs"),
]

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PiecesJointesField(forms.FileField):
    """Several PDF, JPEG or PNG files of 5 MB at most each, checked by their content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "PDF, JPEG ou PNG, 5 Mo au plus par fichier.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(PiecesJointesField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            check_upload(upload)
        return cleaned


def check_upload(upload) -> None:
    name = upload.name
    if upload.size > rules.MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(f"« {name} » dépasse 5 Mo.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if rules.sniff_type(head) is None:
        raise forms.ValidationError(
            f"« {name} » n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié)."
        )


class ConventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        today = timezone.localdate()
        return f"{obj.titre} (terminée le {obj.fin:%d/%m/%Y})" if obj.fin < today else obj.titre


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class FoyerForm(forms.Form):
    """The household and its parents: the part of the family file the coordination may correct too."""

    # Household.
    commune = forms.ModelChoiceField(Commune.objects.order_by("nom"), label="Commune de résidence")
    adresse = forms.CharField(label="Adresse", max_length=250, required=False)
    qpv = forms.BooleanField(label="Réside en quartier prioritaire (QPV)", required=False)
    monoparentale = forms.BooleanField(label="Famille monoparentale", required=False)
    enfants_a_charge = forms.IntegerField(label="Nombre d'enfants à charge", min_value=1, max_value=20, initial=1)
    enfant_handicape = forms.BooleanField(label="Un enfant de la famille perçoit l'AEEH ou la PCH", required=False)
    minima_sociaux = forms.BooleanField(label="Bénéficiaire de minima sociaux", required=False)
    ressources_statut = forms.ChoiceField(label="Ressources", choices=RessourcesStatut.choices,
                                          initial=RessourcesStatut.INCONNUES)
    ressources_mensuelles = forms.DecimalField(
        label="Ressources mensuelles (€)", required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text="Si elles sont connues : elles servent au calcul de la participation après la gratuité.",
    )
    # Parent (the referent) and, optionally, the second parent.
    parent_prenom = forms.CharField(label="Prénom du parent", max_length=100)
    parent_nom = forms.CharField(label="Nom du parent", max_length=100)
    parent_telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    parent_email = forms.EmailField(label="Adresse électronique", required=False)
    parent_situation = forms.ChoiceField(label="Situation du parent", choices=Parent.Situation.choices)
    parent_parcours_debut = forms.DateField(label="Début du parcours d'insertion", required=False, widget=DATE_WIDGET)
    parcours_duree_mois = forms.IntegerField(
        label="Durée prévue du parcours d'insertion (mois)", required=False, min_value=0, max_value=120,
    )
    second_prenom = forms.CharField(label="Prénom du second parent", max_length=100, required=False)
    second_nom = forms.CharField(label="Nom du second parent", max_length=100, required=False)
    second_situation = forms.ChoiceField(
        label="Situation du second parent", choices=[("", "—"), *list(Parent.Situation.choices)], required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("ressources_statut") == RessourcesStatut.CONNUES and data.get("ressources_mensuelles") is None:
            self.add_error("ressources_mensuelles", "Indiquez les ressources mensuelles, puisqu'elles sont connues.")
        if bool(data.get("second_prenom")) != bool(data.get("second_nom")):
            self.add_error("second_nom", "Indiquez le prénom et le nom du second parent, ou aucun des deux.")
        return data

    def parents_data(self) -> list[dict]:
        """The parent(s) as the services expect them: the referent, then the second parent if any."""
        data = self.cleaned_data
        parents = [{
            "prenom": data["parent_prenom"], "nom": data["parent_nom"], "telephone": data["parent_telephone"],
            "email": data["parent_email"], "situation": data["parent_situation"],
            "parcours_debut": data["parent_parcours_debut"], "parcours_duree_mois": data["parcours_duree_mois"],
        }]
        if data.get("second_prenom"):
            parents.append({
                "prenom": data["second_prenom"], "nom": data["second_nom"], "telephone": "", "email": "",
                "situation": data["second_situation"] or Parent.Situation.AUTRE, "parcours_debut": None,
                "parcours_duree_mois": None,
            })
        return parents

    @staticmethod
    def initial_from(famille: Famille) -> dict:
        initial = {name: getattr(famille, name) for name in (
            "adresse", "qpv", "monoparentale", "enfants_a_charge", "enfant_handicape", "minima_sociaux",
            "ressources_statut", "ressources_mensuelles")}
        initial["commune"] = famille.commune_id
        parents = list(famille.parents.order_by("pk"))
        if parents:
            first = parents[0]
            initial.update(
                parent_prenom=first.prenom, parent_nom=first.nom, parent_telephone=first.telephone,
                parent_email=first.email, parent_situation=first.situation,
                parent_parcours_debut=first.parcours_debut, parcours_duree_mois=first.parcours_duree_mois,
            )
        if len(parents) > 1:
            initial.update(second_prenom=parents[1].prenom, second_nom=parents[1].nom,
                           second_situation=parents[1].situation)
        return initial


class EnfantForm(forms.Form):
    """A child of the family: in the prescriber's file, and once per child in the coordination's."""

    enfant_prenom = forms.CharField(label="Prénom de l'enfant", max_length=100)
    enfant_nom = forms.CharField(label="Nom de l'enfant", max_length=100)
    enfant_date_naissance = forms.DateField(label="Date de naissance de l'enfant", widget=DATE_WIDGET)
    enfant_handicap = forms.BooleanField(label="Situation de handicap", required=False)
    enfant_maladie_chronique = forms.BooleanField(
        label="Maladie chronique ou besoin de santé particulier", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_enfant_date_naissance(self):
        value = self.cleaned_data["enfant_date_naissance"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        if value.year < timezone.localdate().year - 18:
            raise forms.ValidationError("Cette date de naissance n'est pas plausible pour un jeune enfant.")
        return value

    def enfant_data(self) -> dict:
        """The child's fields without the ``enfant_`` prefix, as ``Enfant`` names them."""
        return {name.removeprefix("enfant_"): value for name, value in self.cleaned_data.items()
                if name in EnfantForm.base_fields}

    @staticmethod
    def initial_from(enfant: Enfant) -> dict:
        return {f"enfant_{name}": getattr(enfant, name)
                for name in ("prenom", "nom", "date_naissance", "handicap", "maladie_chronique")}


class DossierForm(FoyerForm, EnfantForm):
    """The family file and the referral, on one page."""

    field_order = [*FoyerForm.base_fields, *EnfantForm.base_fields]

    # Consent.
    consentement = forms.BooleanField(
        label="La famille a donné son accord au partage de ses données pour les finalités cochées",
        error_messages={"required": "Le consentement de la famille est obligatoire avant tout enregistrement."},
    )
    consentement_date = forms.DateField(label="Date du recueil du consentement", widget=DATE_WIDGET)
    consentement_finalites = forms.MultipleChoiceField(
        label="Finalités acceptées", choices=FINALITES, widget=forms.CheckboxSelectMultiple,
        initial=[value for value, _ in FINALITES],
    )
    # Referral.
    convention = ConventionChoiceField(
        Convention.objects.order_by("titre"), label="Convention", required=False,
        empty_label="À décider par la coordination",
    )
    motifs = forms.MultipleChoiceField(label="Motifs de l'orientation", choices=Motif.choices,
                                       widget=forms.CheckboxSelectMultiple)
    urgence = forms.BooleanField(label="Situation d'urgence", required=False)
    date_souhaitee = forms.DateField(label="Date d'accueil souhaitée", widget=DATE_WIDGET)
    besoin = forms.CharField(
        label="Besoin d'accueil (jours, demi-journées, heures)", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    pieces_jointes = PiecesJointesField(label="Pièces jointes")
    confirmer_doublon = forms.BooleanField(
        label="J'ai vérifié : il s'agit d'un autre enfant, ou la famille souhaite une seconde demande",
        required=False,
    )
    jeton = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_consentement_date(self):
        value = self.cleaned_data["consentement_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Le consentement ne peut pas avoir été recueilli dans le futur.")
        return value

    def clean_date_souhaitee(self):
        value = self.cleaned_data["date_souhaitee"]
        if value < timezone.localdate():
            raise forms.ValidationError("La date d'accueil souhaitée ne peut pas être passée.")
        return value

    def service_data(self) -> dict:
        """The cleaned data in the shape ``services.enregistrer_orientation`` expects."""
        data = dict(self.cleaned_data)
        data["parents"] = self.parents_data()
        return data

    @classmethod
    def initial_from(cls, orientation: Orientation) -> dict:
        consent = orientation.famille.consentements.first()
        initial = {**FoyerForm.initial_from(orientation.famille), **EnfantForm.initial_from(orientation.enfant)}
        initial.update(
            convention=orientation.convention_id, motifs=orientation.motifs, urgence=orientation.urgence,
            date_souhaitee=orientation.date_souhaitee, besoin=orientation.besoin, jeton=orientation.jeton,
        )
        if consent:
            initial.update(consentement=True, consentement_date=consent.date,
                           consentement_finalites=[v for v, _ in FINALITES if v in consent.finalites])
        return initial


class PieceJointeForm(forms.Form):
    fichier = forms.FileField(label="Document (PDF, JPEG ou PNG, 5 Mo au plus)")

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        check_upload(upload)
        return upload


class AccepterForm(forms.Form):
    convention = forms.ModelChoiceField(Convention.objects.none(), label="Convention")
    structure = forms.ModelChoiceField(Structure.objects.none(), label="Structure d'accueil")
    commentaire = forms.CharField(label="Commentaire pour l'historique", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, conventions, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = conventions
        self.fields["structure"].queryset = structures
        _styled(self)


class RefuserForm(forms.Form):
    motif = forms.ChoiceField(label="Motif du refus", choices=[("", "—"), *list(MotifRefus.choices)])
    message = forms.CharField(
        label="Message au prescripteur", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il sera lu par le prescripteur : expliquez la décision et, si possible, une autre piste.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class AnnulerForm(forms.Form):
    commentaire = forms.CharField(label="Raison de l'annulation", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class FiltreForm(forms.Form):
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *list(Orientation.State.choices)])
    convention = forms.TypedChoiceField(label="Convention", required=False, coerce=int, empty_value=None)
    retard = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, conventions, states=None, **kwargs):
        """``conventions``: the conventions already read by the view (a list, read once per page)."""
        super().__init__(*args, **kwargs)
        self.fields["convention"].choices = [("", "Toutes"), *((c.pk, c.titre) for c in conventions)]
        if states is not None:
            self.fields["etat"].choices = [("", "Tous")] + [(s.value, s.label) for s in states]
        _styled(self)


class PonderationForm(forms.ModelForm):
    class Meta:
        model = Ponderation
        fields = ["monoparentale", "qpv", "urgence", "minima_sociaux", "insertion", "anciennete"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["max"] = 20
            field.validators.append(MaxValueValidator(20, "Un poids ne dépasse pas 20 points."))
        _styled(self)


class EnfantsFormSet(forms.BaseFormSet):
    """The family's children, one form each, in a fixed number: the coordination corrects them,
    it neither adds nor removes a child (a child comes with a referral)."""

    def __init__(self, *args, enfants: list[Enfant], **kwargs):
        self.enfants = enfants
        kwargs.setdefault("initial", [EnfantForm.initial_from(enfant) for enfant in enfants])
        super().__init__(*args, **kwargs)

    def clean(self):
        management = self.management_form
        if not management.is_valid() or management.cleaned_data[TOTAL_FORM_COUNT] != len(self.enfants):
            raise forms.ValidationError("Le nombre d'enfants du dossier ne se modifie pas ici.")


def enfants_formset(enfants: list[Enfant], data=None) -> EnfantsFormSet:
    """The children's forms (a claimed count above ``max_num`` + 1000 is refused by Django itself)."""
    formset_class = forms.formset_factory(EnfantForm, formset=EnfantsFormSet, extra=0, max_num=len(enfants))
    return formset_class(data, enfants=enfants, prefix="enfants")
