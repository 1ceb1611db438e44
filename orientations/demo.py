"""Demo referrals: fourteen referrals in every state across the seeds' conventions. Safe to run twice.

Runs after ``portail.demo`` (partners, accounts) and ``conventions.demo`` (conventions looked up
by their title). Each referral has a stable submission token (``jeton``, a UUID derived from its
demo key): a referral already there is left as it is, so a second run changes nothing. Names are
invented; dates are relative to the day of the first run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from conventions.models import Convention, Structure
from portail import audit
from portail.models import AuditEvent, Commune, Membership, Role

from . import services
from .models import Consentement, Enfant, Evenement, Famille, Motif, MotifRefus, Orientation, Parent, Ponderation
from .signals import orientation_acceptee

NAMESPACE = uuid.UUID("6f0c2a1e-5b7d-4c1a-9d3e-0a8b7c6d5e4f")

PMI = "Places réservées PMI – Conseil départemental du Loiret et CCAS d'Orléans"
POLE_EMPLOI = "Pôle emploi Orléans Nord – priorité en crèche pour les parents en reclassement"
PETITS_PAS = "Les Petits Pas – halte-jeux des parents en parcours d'insertion (Lunel)"

PRESCRIBERS = {
    "pmi": "prescripteur.pmi@exemple.fr",
    "ft": "prescripteur.francetravail@exemple.fr",
    "plie": "prescripteur.plie@exemple.fr",
}
COORDINATORS = {PMI: "coordination.orleans@exemple.fr", POLE_EMPLOI: "coordination.orleans@exemple.fr",
                PETITS_PAS: "coordination.lunel@exemple.fr", None: "coordination.lunel@exemple.fr"}
ORLEANS, LUNEL = "45234", "34145"


@dataclass(frozen=True)
class DemoReferral:
    key: str
    prescriber: str
    convention: str | None
    commune: str
    child: tuple[str, str]
    age_months: int
    state: str
    sent_days_ago: int = 0
    motifs: tuple[str, ...] = (Motif.RECHERCHE_EMPLOI,)
    monoparentale: bool = False
    qpv: bool = False
    minima: bool = False
    urgence: bool = False
    structure: str = ""
    refusal: str = ""


REFERRALS = [
    DemoReferral("pmi-1", "pmi", PMI, ORLEANS, ("Lina", "Moreau"), 8, "envoyee", 3, (Motif.PREVENTION_PMI,),
                 monoparentale=True, qpv=True),
    DemoReferral("pmi-2", "pmi", PMI, ORLEANS, ("Adam", "Lefèvre"), 14, "en_etude", 12, (Motif.PREVENTION_PMI,),
                 minima=True),
    DemoReferral("pmi-3", "pmi", PMI, ORLEANS, ("Jade", "Fontaine"), 5, "acceptee", 20, (Motif.PREVENTION_PMI,),
                 monoparentale=True, structure="La Bolière"),
    DemoReferral("pmi-4", "pmi", PMI, ORLEANS, ("Noah", "Girard"), 30, "refusee", 18, (Motif.PREVENTION_PMI,),
                 refusal=MotifRefus.COMPLET),
    DemoReferral("pmi-5", "pmi", PMI, ORLEANS, ("Maël", "Chevalier"), 11, "brouillon", motifs=(Motif.PREVENTION_PMI,)),
    DemoReferral("ft-1", "ft", POLE_EMPLOI, ORLEANS, ("Sarah", "Benali"), 20, "envoyee", 25,
                 (Motif.RECHERCHE_EMPLOI,), monoparentale=True),
    DemoReferral("ft-2", "ft", POLE_EMPLOI, ORLEANS, ("Yanis", "Roussel"), 9, "annulee", 6, (Motif.FORMATION,)),
    DemoReferral("ft-3", "ft", POLE_EMPLOI, ORLEANS, ("Léna", "Marchand"), 16, "expiree", 40,
                 (Motif.REPRISE_EMPLOI,)),
    DemoReferral("plie-1", "plie", PETITS_PAS, LUNEL, ("Inaya", "Garcia"), 7, "envoyee", 2,
                 (Motif.RECHERCHE_EMPLOI, Motif.URGENCE_SOCIALE), monoparentale=True, qpv=True, urgence=True),
    DemoReferral("plie-2", "plie", PETITS_PAS, LUNEL, ("Rayan", "Martinez"), 24, "en_etude", 5,
                 (Motif.FORMATION,), qpv=True),
    DemoReferral("plie-3", "plie", PETITS_PAS, LUNEL, ("Alba", "Lopez"), 13, "acceptee", 15,
                 (Motif.RECHERCHE_EMPLOI,), monoparentale=True, structure="Les Petits Pas – Parc Jean Hugo"),
    DemoReferral("plie-4", "plie", None, LUNEL, ("Tiago", "Fernandes"), 18, "envoyee", 1, (Motif.REPRISE_EMPLOI,)),
    DemoReferral("plie-5", "plie", PETITS_PAS, LUNEL, ("Mila", "Sanchez"), 41, "refusee", 9,
                 (Motif.RECHERCHE_EMPLOI,), refusal=MotifRefus.HORS_CRITERES),
    DemoReferral("ft-4", "ft", PETITS_PAS, LUNEL, ("Ilyes", "Haddad"), 10, "brouillon", motifs=(Motif.FORMATION,)),
]

PATHS = {
    "brouillon": [], "envoyee": ["envoyer"], "en_etude": ["envoyer", "etudier"],
    "acceptee": ["envoyer", "etudier", "accepter"], "refusee": ["envoyer", "etudier", "refuser"],
    "annulee": ["envoyer", "annuler"], "expiree": ["envoyer", "expirer"],
}
REFUSAL_MESSAGES = {
    MotifRefus.COMPLET: "Les places PMI sont toutes occupées jusqu'en mars ; "
    "nous vous recontactons dès qu'une se libère.",
    MotifRefus.HORS_CRITERES: "L'enfant aura plus de 3 ans à la date souhaitée : orientez la famille vers l'école.",
}


def seed(stdout=None) -> None:
    conventions = {c.titre: c for c in Convention.objects.filter(titre__in=[PMI, POLE_EMPLOI, PETITS_PAS])}
    for convention in conventions.values():
        Ponderation.objects.get_or_create(convention=convention)
    created = 0
    for referral in REFERRALS:
        if referral.convention is not None and referral.convention not in conventions:
            continue
        jeton = uuid.uuid5(NAMESPACE, referral.key)
        if Orientation.objects.filter(jeton=jeton).exists():
            continue
        _create(referral, jeton, conventions)
        created += 1
    if stdout is not None:
        stdout.write(f"    {Orientation.objects.filter(jeton__in=_tokens()).count()} orientations de démonstration"
                     f" ({created} créées)")


def _tokens():
    return [uuid.uuid5(NAMESPACE, r.key) for r in REFERRALS]


def _membership(email, role):
    return Membership.objects.select_related("user", "partenaire").get(user__email=email, role=role)


def _create(referral: DemoReferral, jeton, conventions) -> Orientation:
    today = timezone.localdate()
    prescriber = _membership(PRESCRIBERS[referral.prescriber], Role.PRESCRIPTEUR)
    coordinator = _membership(COORDINATORS[referral.convention], Role.COORDINATEUR)
    convention = conventions.get(referral.convention)
    famille = Famille.objects.create(
        commune=Commune.objects.get(code_insee=referral.commune), qpv=referral.qpv,
        monoparentale=referral.monoparentale, minima_sociaux=referral.minima, enfants_a_charge=1,
        created_by_partenaire=prescriber.partenaire,
    )
    Parent.objects.create(
        famille=famille, prenom="Parent", nom=referral.child[1], situation=Parent.Situation.INSERTION,
        parcours_debut=today - timedelta(days=30), parcours_duree_mois=6,
    )
    enfant = Enfant.objects.create(
        famille=famille, prenom=referral.child[0], nom=referral.child[1],
        date_naissance=today - timedelta(days=round(referral.age_months * 30.44)),
    )
    Consentement.objects.create(famille=famille, date=today - timedelta(days=referral.sent_days_ago + 1),
                                recueilli_par=prescriber.user, finalites="Étudier la demande d'accueil")
    orientation = Orientation.objects.create(
        famille=famille, enfant=enfant, partenaire=prescriber.partenaire, prescripteur=prescriber.user,
        convention=convention, date_souhaitee=today + timedelta(days=21),
        besoin="Deux à trois demi-journées par semaine",
        motifs=list(referral.motifs), urgence=referral.urgence, jeton=jeton,
    )
    sent = timezone.make_aware(datetime.combine(today - timedelta(days=referral.sent_days_ago), time(9, 30)))
    Evenement.objects.create(orientation=orientation, cible="brouillon", auteur=prescriber.user)
    for step in PATHS[referral.state]:
        _step(orientation, step, referral, prescriber, coordinator, sent, today)
    Orientation.objects.filter(pk=orientation.pk).update(created_at=sent - timedelta(hours=1))
    audit.record(prescriber.user, AuditEvent.Action.CREATE, orientation, {"demo": True})
    return orientation


def _step(orientation, step, referral, prescriber, coordinator, sent, today):
    source = orientation.state
    author = prescriber.user if step in ("envoyer", "annuler") else coordinator.user
    getattr(orientation, step)()
    if step == "envoyer":
        orientation.sent_at = sent
        orientation.echeance = services.rules.deadline(
            sent.date(), orientation.convention.delai_reponse_jours if orientation.convention else None
        )
        result = services.score(orientation, today)
        orientation.ponderation, orientation.ponderation_detail = result.total, result.as_json()
    elif step in ("accepter", "refuser", "expirer"):
        orientation.answered_at = sent + timedelta(days=min(referral.sent_days_ago, 30) - 1 or 1)
        if step == "accepter":
            orientation.structure = Structure.objects.get(nom=referral.structure)
        if step == "refuser":
            orientation.motif_refus = referral.refusal
            orientation.message_refus = REFUSAL_MESSAGES[referral.refusal]
        if step == "expirer":
            author = None
    orientation.save()
    Evenement.objects.create(orientation=orientation, source=source, cible=orientation.state, auteur=author)
    if step == "accepter":
        orientation_acceptee.send(sender=Orientation, orientation=orientation, request=None)

