"""The bench world: a realistic, deterministic département-wide data set, grown in stages.

``python -m bench.generate --pathways N [--seed 2026]`` grows the world to ``N`` pathways;
``grow(pathways, seed=2026) -> World`` does the same from Python and says who to measure as.

What is built (every row written in bulk: ``COPY`` on PostgreSQL, ``executemany`` elsewhere,
never a per-row ORM save):

- once, the *base*: 12 communes of the three seed territories (Loiret around Orléans, Hérault
  around Lunel, Haute-Garonne around Levignac), 500 partners of every kind (Départements and CAF
  as funders, PMI centres, France Travail agencies, PLIE, missions locales, CCAS, mediation,
  facility managers), 144 facilities (a third in QPV), 39 conventions (one per département, three
  per commune) with their signatories (funders, carrier, prescribers), funding and coordinators,
  and ~460 users with their memberships: prescribers, coordinators, facility managers, funders,
  partner administrators and a platform administrator;
- then pathways by batches of ``BATCH``: for pathway *i* a family (parents, child, consent), its
  accepted referral and the pathway in a state drawn from ``PATHWAY_STATES`` with what that state
  implies (joint meeting and engagement, care plan and doctor's opinion, held adaptation, a
  reserved place attributed without overlap, 16 attendance rows, six-month review, exit and its
  outcome, the transition log, follow-up notes); and one more family whose referral is in a
  state other than accepted (draft, sent, under study, refused, cancelled, expired).

Determinism: every pathway draws from ``Random(f"{seed}-{i}")`` and batch *b* lays its
attributions on reserved places of its own (numbers ``b × 25 + k``) by a greedy, index-ordered
packing, so a prefix of a batch is laid out the same whether the batch is finished later or not:
growing 1 000 → 10 000 → 100 000 gives the same rows as 100 000 at once. Dates are counted back
from the world's *anchor day*, the day the base was built (kept as the administrator's
``date_joined``), so a world grown over several days stays consistent. The rows of the
generator are recognised by the referral ``jeton``: ``MARK`` in the high bits, the pathway
index in the low bits; rows added by hand or by a load test are never counted.

Every generated user has the password ``BENCH_PASSWORD`` (default « Bench-Parcours-2026! »,
hashed once) and a confirmed TOTP device whose key is ``totp_key(seed, email)``, so a load test
signs in through the real login page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time as clock
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

SEED = 2026
BATCH = 1_000
PLACES_PER_BATCH = 240  # at most this many reserved places per convention and batch
FIRST_REGULAR = 100  # numbers below: the conventions' adaptation places, made with the base
PRESENCES_PER_CARE = 16  # 5 pathways in 8 started care: 1 000 000 rows at 100 000 pathways
MARK = 0xBE7C_2026_0000  # high bits of the generated referrals' jeton
PASSWORD_ENV = "BENCH_PASSWORD"
DEFAULT_PASSWORD = "Bench-Parcours-2026!"
DOMAIN = "bench.exemple.fr"
ADMIN_EMAIL = f"admin@{DOMAIN}"

# (state, started care): 5 in 8 started care, 3 in 8 never did.
PATHWAY_STATES = (
    ("reperage", False), ("contractualisation", False), ("accueil", True), ("accueil", True),
    ("bilan", True), ("sortie", True), ("abandon", True), ("abandon", False),
)
OTHER_REFERRAL_STATES = (
    ("brouillon", 10), ("envoyee", 25), ("en_etude", 20), ("refusee", 20), ("annulee", 10), ("expiree", 15),
)
TERRITORIES = (
    ("Loiret", "45", (("Orléans", "45234", "45000"), ("Fleury-les-Aubrais", "45147", "45400"),
                      ("Saran", "45302", "45770"), ("Saint-Jean-de-Braye", "45284", "45800"),
                      ("Olivet", "45232", "45160"))),
    ("Hérault", "34", (("Lunel", "34145", "34400"), ("Lunel-Viel", "34146", "34400"),
                       ("Marsillargues", "34151", "34590"), ("Mauguio", "34154", "34130"))),
    ("Haute-Garonne", "31", (("Levignac", "31297", "31530"), ("Léguevin", "31291", "31490"),
                             ("Pibrac", "31417", "31820"))),
)
DEPARTEMENT_OF = {"Loiret": "du Loiret", "Hérault": "de l'Hérault", "Haute-Garonne": "de la Haute-Garonne"}
PRESCRIBER_KINDS = (("departement_pmi", "Centre de PMI", 40), ("france_travail", "France Travail", 120),
                    ("plie", "PLIE", 60), ("mission_locale", "Mission locale", 60))
FACILITY_KINDS = ("creche_collective", "multi_accueil", "multi_accueil", "halte_garderie", "micro_creche",
                  "halte_jeux", "creche_familiale")
FIRST_NAMES = ("Lina", "Adam", "Jade", "Noah", "Inès", "Yanis", "Léna", "Rayan", "Alba", "Tiago", "Maël",
               "Nour", "Sacha", "Aya", "Ilyes", "Louise", "Timéo", "Sofia", "Amir", "Chloé")
LAST_NAMES = ("Moreau", "Benali", "Garcia", "Lopez", "Martin", "Diallo", "Haddad", "Roussel", "Girard",
              "Nguyen", "Traoré", "Fernandes", "Petit", "Mercier", "Bouzid", "Lefèvre", "Camara", "Roux")
NOTES = ("Point d'étape avec la famille.", "Appel de la structure : bonne adaptation.",
         "Le parent a commencé sa formation.", "Rendez-vous France Travail honoré.")


@dataclass
class World:
    """Who the benchmarks and the load test act as, and what the world holds."""

    seed: int
    anchor: date
    pathways: int
    password: str
    coordinator: object  # Membership: coordinator of two commune conventions
    big_coordinator: object  # Membership: coordinator of the departmental convention of the Loiret
    prescriber: object  # Membership of a France Travail agency
    funder: object  # Membership of the Département du Loiret, funder
    direction: object  # Membership of a facility manager
    admin_partenaire: object  # Membership of a CCAS administrator
    staff: object  # User: the platform administrator (superuser)
    report_convention: object  # Convention: the departmental convention of the Loiret (the biggest)
    accounts: dict[str, list[str]] = field(default_factory=dict)  # role → e-mails

    def totp_key(self, email: str) -> str:
        return totp_key(self.seed, email)


def totp_key(seed: int, email: str) -> str:
    """The hex TOTP key of a generated user (40 hex digits, like django-otp's own)."""
    return hashlib.sha256(f"{seed}:{email}".encode()).hexdigest()[:40]


def password() -> str:
    return os.environ.get(PASSWORD_ENV, DEFAULT_PASSWORD)


def jeton(index: int, kind: int) -> uuid.UUID:
    """The referral token of pathway ``index``: its own referral (``kind`` 0) or the other one (1)."""
    return uuid.UUID(int=(MARK << 64) | (kind << 40) | index)


# --- Bulk writing -----------------------------------------------------------------------------------


class Rows:
    """Rows to insert, table by table, with ids given here (max(id) + 1 onwards), so that the
    rows of a batch refer to each other before anything is written, and pks are deterministic."""

    def __init__(self, connection):
        self.connection = connection
        self.tables: dict = {}
        self.next_ids: dict = {}

    def _spec(self, model):
        if model not in self.tables:
            fields = list(model._meta.concrete_fields)
            defaults = {}
            for f in fields:
                if f.has_default():
                    defaults[f.attname] = f.get_default()
                elif f.null:
                    defaults[f.attname] = None
                elif getattr(f, "blank", False) and f.get_internal_type() in ("CharField", "TextField"):
                    defaults[f.attname] = ""
            self.tables[model] = ([f.attname for f in fields], fields, defaults, [])
        return self.tables[model]

    def new_id(self, model) -> int:
        if model not in self.next_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
                self.next_ids[model] = cursor.fetchone()[0] + 1
        pk = self.next_ids[model]
        self.next_ids[model] = pk + 1
        return pk

    def add(self, model, **values) -> int:
        names, _fields, defaults, rows = self._spec(model)
        if "id" not in values:
            values["id"] = self.new_id(model)
        try:
            rows.append(tuple(values[n] if n in values else defaults[n] for n in names))
        except KeyError as missing:
            raise KeyError(f"{model.__name__}: pas de valeur pour {missing}") from None
        return values["id"]

    def flush(self) -> int:
        """Writes every table (FKs are deferred to the commit), then moves the id sequences on."""
        written = 0
        for model, (_names, fields, _defaults, rows) in self.tables.items():
            if not rows:
                continue
            table = model._meta.db_table
            columns = ", ".join(f'"{f.column}"' for f in fields)
            if self.connection.vendor == "postgresql":
                json_at = [k for k, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
                with self.connection.cursor() as cursor:
                    with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                        for row in rows:
                            if json_at:
                                row = list(row)
                                for k in json_at:
                                    row[k] = json.dumps(row[k])
                            copy.write_row(row)
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT MAX(id) FROM "{table}"))'
                    )
            else:
                marks = ", ".join(["%s"] * len(fields))
                prepared = [
                    [f.get_db_prep_save(v, self.connection) for f, v in zip(fields, row, strict=True)] for row in rows
                ]
                with self.connection.cursor() as cursor:
                    cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', prepared)
            written += len(rows)
            rows.clear()
        return written


def _at(day: date, hour: int = 10, minute: int = 0):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _slug(text: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüç' ", "eeeeaaiioouuc--")
    return text.lower().translate(table)


# --- The base --------------------------------------------------------------------------------------


def _build_base(rows: Rows, seed: int, anchor: date) -> None:
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conventions.models import Convention, Financement, PlaceReservee, Signataire, Structure
    from portail.mfa import TOTP_DEVICE_NAME
    from portail.models import Commune, Membership, Partenaire, Role, User

    rng = random.Random(f"{seed}-base")
    hashed = make_password(password())
    joined = _at(anchor, 8)
    existing_communes = dict(Commune.objects.values_list("code_insee", "pk"))
    commune_ids = {}
    for _territory, _dept, communes in TERRITORIES:
        for name, insee, postal in communes:
            commune_ids[name] = existing_communes.get(insee) or rows.add(
                Commune, nom=name, code_insee=insee, code_postal=postal
            )

    def partner(nom, kind, communes=(), habilite=False):
        pk = rows.add(Partenaire, nom=nom, kind=kind, habilite=habilite, created_at=joined,
                      habilite_le=joined if habilite else None, habilite_par_id=admin if habilite else None)
        for commune in communes:
            rows.add(Partenaire.communes.through, partenaire_id=pk, commune_id=commune_ids[commune])
        return pk

    def user(email, first, last, *, superuser=False):
        pk = rows.add(User, email=email, password=hashed, first_name=first, last_name=last, is_superuser=superuser,
                      is_staff=superuser, is_active=True, date_joined=joined, last_login=None)
        rows.add(TOTPDevice, user_id=pk, name=TOTP_DEVICE_NAME, confirmed=True, key=totp_key(seed, email),
                 created_at=joined)
        return pk

    def member(user_pk, partner_pk, role):
        return rows.add(Membership, user_id=user_pk, partenaire_id=partner_pk, role=role, is_active=True,
                        created_at=joined)

    admin = user(ADMIN_EMAIL, "Administration", "Plateforme", superuser=True)
    departements, cafs, ccas, conventions = {}, {}, {}, []
    for territory, number, communes in TERRITORIES:
        names = [c[0] for c in communes]
        departements[territory] = partner(f"Conseil départemental {DEPARTEMENT_OF[territory]}", "departement_pmi",
                                          names, habilite=True)
        cafs[territory] = partner(f"CAF {DEPARTEMENT_OF[territory]}", "caf", names)
        for funder_pk, label in ((departements[territory], "departement"), (cafs[territory], "caf")):
            email = f"financeur.{label}{number}@{DOMAIN}"
            member(user(email, "Financeur", f"{label} {number}"), funder_pk, Role.FINANCEUR)
        for name in names:
            ccas[name] = partner(f"CCAS de {name}", "ccas_mairie", [name])
            slug = _slug(name)
            member(user(f"admin.{slug}@{DOMAIN}", "Administration", name), ccas[name], Role.ADMIN_PARTENAIRE)
    prescribers = {t[0]: [] for t in TERRITORIES}
    serial = 0
    for kind, label, count in PRESCRIBER_KINDS:
        for n in range(count):
            territory, _number, communes = TERRITORIES[serial % len(TERRITORIES)]
            commune = communes[n % len(communes)][0]
            pk = partner(f"{label} {commune} {n + 1}", kind, [commune], habilite=True)
            email = f"prescripteur.{_slug(label)}.{n + 1}@{DOMAIN}"
            prescribers[territory].append((pk, user(email, "Prescripteur", f"{label} {n + 1}")))
            member(prescribers[territory][-1][1], pk, Role.PRESCRIPTEUR)
            serial += 1
    for n in range(20):
        partner(f"Médiation sociale {n + 1}", "mediation")
    managers = []
    for n in range(180):
        pk = partner(f"Association gestionnaire {n + 1}", "gestionnaire")
        managers.append(pk)
    partner("Réseau des assistants maternels", "autre")
    partner("Maison des solidarités", "autre")

    directions = {}
    structures = {}
    serial = 0
    for _territory, _number, communes in TERRITORIES:
        for name, _insee, _postal in communes:
            structures[name] = []
            for k in range(12):
                manager = ccas[name] if k < 3 else managers[serial % len(managers)]
                kind = FACILITY_KINDS[rng.randrange(len(FACILITY_KINDS))]
                pk = rows.add(Structure, nom=f"{kind.replace('_', '-').capitalize()} de {name} {k + 1}", kind=kind,
                              gestionnaire_id=manager, commune_id=commune_ids[name], qpv=rng.random() < 0.33,
                              places_total=rng.choice((12, 20, 24, 30, 45, 60)), adresse=f"{k + 1} rue de la Paix",
                              accueil_familial=kind == "creche_familiale")
                structures[name].append(pk)
                if manager not in directions:
                    email = f"direction.{len(directions) + 1}@{DOMAIN}"
                    directions[manager] = member(user(email, "Direction", str(len(directions) + 1)), manager,
                                                 Role.DIRECTION)
                serial += 1

    def convention(titre, signers, structures_of, coordinators, gratuite, creneau, budget):
        pk = rows.add(Convention, titre=titre, debut=date(2024, 1, 1), fin=date(2029, 12, 31),
                      reconduction_annuelle=True, gratuite_mois=gratuite, creneau_max_minutes=creneau,
                      budget_annuel=Decimal(budget), criteres_prioritaires="Parents en parcours d'insertion.")
        for partner_pk, role in signers:
            rows.add(Signataire, convention_id=pk, partenaire_id=partner_pk, role=role)
        for membership in coordinators:
            rows.add(Convention.coordinateurs.through, convention_id=pk, membership_id=membership)
        for k, structure in enumerate(structures_of):  # the adaptation places name the convention's facilities
            rows.add(PlaceReservee, convention_id=pk, structure_id=structure, kind="adaptation_urgence", numero=k + 1)
        for year in (2024, 2025, 2026, 2027):
            for funder_pk, share in ((signers[0][0], "0.6"), (signers[1][0], "0.4")):
                rows.add(Financement, convention_id=pk, partenaire_id=funder_pk, annee=year,
                         montant=Decimal(budget) * Decimal(share))
        conventions.append((pk, titre, structures_of, gratuite, creneau))

    for territory, number, communes in TERRITORIES:
        names = [c[0] for c in communes]
        base_signers = [(departements[territory], "financeur"), (cafs[territory], "financeur")]
        prescribing = [(p, "prescripteur") for p, _u in prescribers[territory]]
        dept_coordinator = member(user(f"coordination.departement{number}@{DOMAIN}", "Coordination",
                                       f"département {number}"), departements[territory], Role.COORDINATEUR)
        convention(f"Convention départementale {DEPARTEMENT_OF[territory]} – accueil et insertion",
                   [*base_signers, (departements[territory], "porteur"), *prescribing],
                   [s for name in names for s in structures[name][:2]], [dept_coordinator], 6, None, "400000")
        for name in names:
            slug = _slug(name)
            coordinators = [member(user(f"coordination.{slug}.{k + 1}@{DOMAIN}", "Coordination", f"{name} {k + 1}"),
                                   ccas[name], Role.COORDINATEUR) for k in range(3)]
            for j, label in enumerate(("Petits Pas", "Crèches à vocation d'insertion professionnelle", "Halte-jeux")):
                convention(f"{label} – {name}", [*base_signers, (ccas[name], "porteur"), *prescribing],
                           structures[name][3 * j:3 * j + 4], [coordinators[j], coordinators[(j + 1) % 3]],
                           (6, None, 3)[j], (210, None, 240)[j], ("60000", "90000", "30000")[j])


class Base:
    """The base as the batches need it: conventions with their structures and coordinators,
    prescribers per convention, read back from the database (so a later run needs no plan)."""

    def __init__(self, seed: int):
        from conventions.models import Convention, Signataire
        from portail.models import Membership, Role, User

        admin = User.objects.get(email=ADMIN_EMAIL)
        self.anchor = admin.date_joined.date()
        self.conventions = []
        for convention in Convention.objects.filter(signataires__partenaire__nom__startswith="CAF ").distinct() \
                .order_by("pk").prefetch_related("coordinateurs__user"):
            structures = list(convention.places_reservees.filter(kind="adaptation_urgence").order_by("numero")
                              .values_list("structure_id", flat=True))
            coordinators = [(m.user_id, m.pk) for m in sorted(convention.coordinateurs.all(), key=lambda m: m.pk)]
            prescribers = list(
                Membership.objects.filter(
                    role=Role.PRESCRIPTEUR, partenaire__signatures__convention=convention,
                    partenaire__signatures__role="prescripteur",
                ).order_by("pk").values_list("partenaire_id", "user_id")
            )
            self.conventions.append((convention, structures, coordinators, prescribers))
        # The departmental convention of the Loiret takes a quarter of the pathways, the rest share alike.
        self.weights = [len(self.conventions) * 0.33 if n == 0 else 1 for n in range(len(self.conventions))]
        self.cumulative = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)
        communes = {}
        for pk, commune in Signataire.objects.filter(role="porteur").values_list("convention_id",
                                                                                "partenaire__communes"):
            communes.setdefault(pk, []).append(commune)
        self.communes = {pk: sorted(c) for pk, c in communes.items()}

    def pick(self, rng: random.Random):
        x = rng.random() * self.cumulative[-1]
        for n, bound in enumerate(self.cumulative):
            if x < bound:
                return self.conventions[n]
        return self.conventions[-1]


# --- One batch ---------------------------------------------------------------------------------------


def _weekday_after(day: date, gap: int) -> date:
    day += timedelta(days=gap)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _family(rows, rng, *, commune, partner_pk, user_pk, created, anchor):
    from orientations.models import Consentement, Enfant, Famille, Parent

    monoparentale = rng.random() < 0.45
    known = rng.random() < 0.6
    qpv, minima = rng.random() < 0.35, rng.random() < 0.4
    famille = rows.add(
        Famille, commune_id=commune, qpv=qpv, monoparentale=monoparentale,
        enfants_a_charge=rng.randrange(1, 5), enfant_handicape=rng.random() < 0.03,
        minima_sociaux=minima, ressources_statut="connues" if known else "inconnues",
        ressources_mensuelles=Decimal(rng.randrange(600, 3200)) if known else None,
        created_by_partenaire_id=partner_pk, created_at=created, updated_at=created,
        adresse=f"{rng.randrange(1, 120)} avenue des Tilleuls",
    )
    nom = rng.choice(LAST_NAMES)
    insertion = False
    for k in range(1 if monoparentale else 2):
        situation = rng.choice(("demandeur_emploi", "formation", "insertion", "reprise_emploi", "autre"))
        insertion |= situation == "insertion"
        rows.add(Parent, famille_id=famille, prenom=rng.choice(FIRST_NAMES), nom=nom,
                 telephone=f"06{rng.randrange(10**8):08d}", situation=situation,
                 parcours_debut=created.date() - timedelta(days=rng.randrange(10, 200)) if k == 0 else None,
                 parcours_duree_mois=rng.randrange(3, 25) if k == 0 else None)
    prenom = rng.choice(FIRST_NAMES)
    born = anchor - timedelta(days=rng.randrange(150, 1100))
    handicap, chronic = rng.random() < 0.02, rng.random() < 0.03
    health = handicap or chronic
    enfant = rows.add(Enfant, famille_id=famille, prenom=prenom, nom=nom, date_naissance=born,
                      handicap=handicap, maladie_chronique=chronic,
                      cle_doublon=_duplicate_key(prenom, nom))
    rows.add(Consentement, famille_id=famille, date=created.date(), recueilli_par_id=user_pk,
             finalites="Partage du dossier avec la coordination et la structure d'accueil.", created_at=created)
    criteria = {"qpv": qpv, "monoparentale": monoparentale, "minima_sociaux": minima, "insertion": insertion}
    return famille, enfant, criteria, (born, health)


def _duplicate_key(prenom, nom):
    from orientations import rules

    return rules.duplicate_key(prenom, nom)


def _referral(rows, rng, *, index, kind, state, famille, enfant, convention_pk, partner_pk, user_pk, created,
              coordinator_user, criteria, structure=None):
    from orientations.models import Evenement, Orientation
    from orientations.rules import Criteria, weigh

    urgence = rng.random() < 0.1
    score = weigh(Criteria(urgence=urgence, **criteria))
    sent = None if state == "brouillon" else created + timedelta(hours=rng.randrange(1, 48))
    answered = None
    if state in ("acceptee", "refusee"):
        answered = sent + timedelta(days=rng.randrange(1, 10), hours=rng.randrange(8))
    elif state == "expiree":
        answered = sent + timedelta(days=30)
    pk = rows.add(
        Orientation, famille_id=famille, enfant_id=enfant, partenaire_id=partner_pk, prescripteur_id=user_pk,
        convention_id=convention_pk, date_souhaitee=(created + timedelta(days=rng.randrange(15, 90))).date(),
        besoin=rng.choice(("Deux demi-journées par semaine", "Trois matinées", "Lundi et jeudi, 9 h – 12 h")),
        motifs=[rng.choice(("recherche_emploi", "formation", "reprise_emploi", "prevention_pmi"))]
        + (["urgence_sociale"] if urgence else []),
        urgence=urgence, state=state, sent_at=sent, echeance=(sent.date() + timedelta(days=10)) if sent else None,
        answered_at=answered, structure_id=structure,
        motif_refus=rng.choice(("complet", "hors_criteres", "besoin_inadapte")) if state == "refusee" else "",
        message_refus="Nous vous proposons de renouveler la demande." if state == "refusee" else "",
        ponderation=score.total, ponderation_detail=score.as_json(), jeton=jeton(index, kind),
        created_at=created, updated_at=answered or sent or created,
    )
    steps = [("", "brouillon", user_pk, created)]
    if sent:
        steps.append(("brouillon", "envoyee", user_pk, sent))
    if state in ("en_etude", "acceptee", "refusee") and (state != "acceptee" or rng.random() < 0.7):
        steps.append(("envoyee", "en_etude", coordinator_user, sent + timedelta(hours=20)))
    if state in ("acceptee", "refusee"):
        steps.append((steps[-1][1], state, coordinator_user, answered))
    elif state == "expiree":
        steps.append((steps[-1][1], "expiree", None, answered))
    elif state == "annulee":
        steps.append((steps[-1][1], "annulee", user_pk, (sent or created) + timedelta(days=2)))
    for source, target, who, at in steps:
        rows.add(Evenement, orientation_id=pk, source=source, cible=target, auteur_id=who, at=at)
    return pk, answered


def regular_place(structures: list[int], batch: int, number: int) -> tuple[int, int]:
    """The facility and the number of the ``number``-th regular place of a convention in ``batch``."""
    per_structure = -(-PLACES_PER_BATCH // len(structures))
    return structures[number % len(structures)], FIRST_REGULAR + batch * per_structure + number // len(structures)


class Packing:
    """Reserved places of one batch per convention, filled greedily in pathway order."""

    def __init__(self, batch: int):
        self.batch = batch
        self.lanes: dict[int, list[list[tuple[date, date | None]]]] = {}

    def place(self, convention_pk: int, debut: date, fin: date | None) -> int:
        """The number (in this batch) of the first place free from ``debut`` to ``fin``."""
        lanes = self.lanes.setdefault(convention_pk, [])
        far = date.max
        for k, intervals in enumerate(lanes):
            if all((fin or far) < a or (b or far) < debut for a, b in intervals):
                intervals.append((debut, fin))
                return k
        if len(lanes) >= PLACES_PER_BATCH:
            raise RuntimeError("Trop de places nécessaires dans un lot : augmentez PLACES_PER_BATCH.")
        lanes.append([(debut, fin)])
        return len(lanes) - 1


def _pathway(rows, rng, packing, base: Base, index: int, anchor: date, write: bool, places: dict):
    """Plans pathway ``index`` (its place in the packing is needed even when it exists already)
    and, with ``write``, adds its rows."""
    from conventions import rules as convention_rules
    from conventions.models import Attribution, PlaceReservee
    from parcours.models import (
        Adaptation,
        Bilan,
        NoteSuivi,
        Parcours,
        Presence,
        ProjetAccueil,
        ReunionConjointe,
        Sortie,
        TransitionLog,
    )

    convention, structures, coordinators, prescribers = base.pick(rng)
    state, cared = PATHWAY_STATES[index % len(PATHWAY_STATES)]
    partner_pk, prescriber_user = prescribers[rng.randrange(len(prescribers))]
    coordinator_user, coordinator_membership = coordinators[rng.randrange(len(coordinators))]
    communes = base.communes.get(convention.pk) or [None]
    age = {"reperage": (3, 30), "contractualisation": (25, 70), "accueil": (110, 215), "bilan": (215, 330),
           "sortie": (260, 900), "abandon": (60, 600)}[state]
    opened = anchor - timedelta(days=rng.randrange(*age))
    created = _at(opened - timedelta(days=rng.randrange(3, 20)), rng.randrange(8, 18), rng.randrange(60))
    structure = structures[rng.randrange(len(structures))]
    # The plan of care comes first: the packing must see every pathway of the batch.
    premier = end = None
    if cared:
        premier = _weekday_after(opened, rng.randrange(25, 45))
        if state == "sortie":
            end = min(anchor - timedelta(days=1), convention_rules.review_due(premier) + timedelta(
                days=rng.randrange(15, 90)))
        elif state == "abandon":
            end = min(anchor - timedelta(days=1), premier + timedelta(days=rng.randrange(60, 200)))
        number = packing.place(convention.pk, premier, end)
    if not write:
        return
    famille, enfant, criteria, (born, health) = _family(
        rows, rng, commune=communes[rng.randrange(len(communes))], partner_pk=partner_pk, user_pk=prescriber_user,
        created=created, anchor=anchor)
    orientation, answered = _referral(
        rows, rng, index=index, kind=0, state="acceptee", famille=famille, enfant=enfant, convention_pk=convention.pk,
        partner_pk=partner_pk, user_pk=prescriber_user, created=created, coordinator_user=coordinator_user,
        criteria=criteria, structure=structure)
    opened_at = answered
    fin_gratuite = bilan_prevu = None
    if cared:
        fin_gratuite = convention_rules.free_period_end(premier, convention.gratuite_mois,
                                                        end if state == "sortie" else None)
        bilan_prevu = convention_rules.review_due(premier)
    log = []
    pk = rows.add(Parcours, orientation_id=orientation, famille_id=famille, enfant_id=enfant,
                  convention_id=convention.pk, state=state, premier_accueil_le=premier, fin_gratuite_le=fin_gratuite,
                  bilan_prevu_le=bilan_prevu,
                  motif_abandon="La famille a déménagé." if state == "abandon" else "",
                  created_at=opened_at, updated_at=opened_at)
    reached = {"reperage": 0, "contractualisation": 1, "accueil": 2, "bilan": 3, "sortie": 4}.get(
        state, 2 if cared else rng.randrange(2))
    meeting = opened_at.date() + timedelta(days=rng.randrange(5, 15))
    if reached >= 1 or (state == "reperage" and rng.random() < 0.3):
        signed = reached >= 1
        rows.add(ReunionConjointe, parcours_id=pk, date=meeting, objectif_emploi=rng.random() < 0.7,
                 objectif_formation=rng.random() < 0.4, objectif_langue=rng.random() < 0.2, objectif_droits=True,
                 duree_parcours_parent_mois=rng.randrange(convention.duree_min_parcours_mois, 25),
                 engagement_signe_le=meeting if signed else None, recorded_by_id=coordinator_user,
                 updated_at=_at(meeting, 16))
        if signed:
            log.append(("contractualiser", "reperage", "contractualisation", _at(meeting, 17)))
    if reached >= 1:
        plan_day = meeting + timedelta(days=rng.randrange(2, 10))
        start = premier or plan_day + timedelta(days=20)
        with_doctor = health or convention_rules.add_months(born, 4) > start  # services.doctor_opinion_required
        rows.add(ProjetAccueil, parcours_id=pk, etabli_le=plan_day, rythme="Deux demi-journées par semaine",
                 avis_medecin_requis=with_doctor,
                 avis_medecin="favorable" if with_doctor and cared else "attendu",
                 avis_medecin_le=plan_day + timedelta(days=5) if with_doctor and cared else None,
                 updated_at=_at(plan_day, 15))
        adaptation_day = premier - timedelta(days=rng.randrange(1, 4)) if cared else plan_day + timedelta(days=14)
        rows.add(Adaptation, parcours_id=pk, prevue_le=adaptation_day, demi_journee=rng.choice(("matin", "apres_midi")),
                 tenue_le=adaptation_day if cared else None, updated_at=_at(adaptation_day, 12))
    if cared:
        key = (convention.pk, packing.batch, number)
        if key not in places:
            structure_pk, numero = regular_place(structures, packing.batch, number)
            places[key] = rows.add(PlaceReservee, convention_id=convention.pk, structure_id=structure_pk,
                                   kind="reguliere", numero=numero)
        rows.add(Attribution, place_id=places[key], parcours_id=pk, debut=premier, fin=end,
                 created_by_id=coordinator_user, created_at=_at(premier - timedelta(days=5)))
        log.append(("commencer_accueil", "contractualisation", "accueil", _at(premier, 9)))
        day, minutes = premier, 0
        limit = convention.creneau_max_minutes or 240
        for _k in range(PRESENCES_PER_CARE):
            arrival = time(8 + rng.randrange(2), rng.choice((0, 15, 30, 45)))
            length = rng.randrange(90, min(limit, 240) + 1, 15)
            total = arrival.hour * 60 + arrival.minute + length
            rows.add(Presence, parcours_id=pk, date=day, arrivee=arrival, depart=time(total // 60, total % 60),
                     recorded_by_id=coordinator_user)
            minutes += length
            day = _weekday_after(day, rng.randrange(2, 4))
        if reached >= 3:
            review = min(bilan_prevu + timedelta(days=rng.randrange(-5, 10)), anchor - timedelta(days=1))
            hours = Decimal(minutes) / 60
            rate = Decimal(rng.randrange(50, 300)) / 100
            cost = Decimal(rng.randrange(900, 1300)) / 100
            rows.add(Bilan, parcours_id=pk, date=review, developpement_enfant="L'enfant s'est bien adapté.",
                     progres_parent="Objectifs d'insertion engagés.", heures_accueil=hours.quantize(Decimal("0.01")),
                     tarif_horaire=rate, taux_effort=Decimal("0.0619"), bareme_du=date(2026, 1, 1),
                     montant_exonere=(hours * rate).quantize(Decimal("0.01")), cout_horaire=cost,
                     cout_convention=(hours * cost).quantize(Decimal("0.01")), signe_famille_le=review,
                     recorded_by_id=coordinator_user, updated_at=_at(review, 15))
            log.append(("tenir_bilan", "accueil", "bilan", _at(review, 16)))
        if state == "sortie":
            situation = rng.choice(("emploi", "emploi", "formation", "recherche", "autre"))
            rows.add(Sortie, parcours_id=pk, date=end,
                     issue_enfant=rng.choice(("creche", "assistant_maternel", "ecole", "autre", "aucun")),
                     situation_parent=situation,
                     contrat=rng.choice(("cdi", "cdd", "interim", "insertion")) if situation == "emploi" else "",
                     recorded_by_id=coordinator_user, updated_at=_at(end, 11))
            log.append(("sortir", "bilan", "sortie", _at(end, 12)))
    if state == "abandon":
        left = end or meeting + timedelta(days=rng.randrange(1, 30))
        source = log[-1][2] if log else "reperage"
        log.append(("abandonner", source, "abandon", _at(min(left, anchor - timedelta(days=1)), 14)))
    for name, source, target, at in log:
        rows.add(TransitionLog, parcours_id=pk, transition=name, source=source, target=target,
                 actor_id=coordinator_user, membership_id=coordinator_membership, at=at,
                 comment="La famille a déménagé." if name == "abandonner" else "")
    for k in range(rng.randrange(4)):
        rows.add(NoteSuivi, parcours_id=pk, author_id=coordinator_user, texte=NOTES[k],
                 at=opened_at + timedelta(days=7 * (k + 1)),
                 visibilite=rng.choice(("coordination", "partenaires")))
    # The other referral of this index: another family, another state.
    other = random.Random(f"{rng.random()}-autre")
    roll, state_other = other.randrange(100), None
    for name, weight in OTHER_REFERRAL_STATES:
        if roll < weight:
            state_other = name
            break
        roll -= weight
    if state_other in ("envoyee", "en_etude", "brouillon"):
        made = _at(anchor - timedelta(days=other.randrange(1, 28)), other.randrange(8, 18))
    else:
        made = _at(anchor - timedelta(days=other.randrange(40, 700)), other.randrange(8, 18))
    other_convention, _s, other_coordinators, other_prescribers = base.pick(other)
    o_partner, o_user = other_prescribers[other.randrange(len(other_prescribers))]
    o_communes = base.communes.get(other_convention.pk) or [None]
    o_famille, o_enfant, o_criteria, _child = _family(
        rows, other, commune=o_communes[other.randrange(len(o_communes))], partner_pk=o_partner, user_pk=o_user,
        created=made, anchor=anchor)
    _referral(rows, other, index=index, kind=1, state=state_other, famille=o_famille, enfant=o_enfant,
              convention_pk=other_convention.pk, partner_pk=o_partner, user_pk=o_user, created=made,
              coordinator_user=other_coordinators[0][0], criteria=o_criteria)


def _generated(kind: int = 0) -> int:
    from orientations.models import Orientation

    low, high = jeton(0, kind), jeton((1 << 40) - 1, kind)
    return Orientation.objects.filter(jeton__gte=low, jeton__lte=high).count()


def _batch(base: Base, seed: int, batch: int, have: int, to: int) -> int:
    """Writes pathways ``have`` … ``to - 1`` of batch ``batch`` (the earlier ones of the batch exist)."""
    from django.db import connection, transaction

    from conventions.models import PlaceReservee

    rows = Rows(connection)
    packing = Packing(batch)
    first = batch * BATCH
    places = {}
    for convention, structures, *_rest in base.conventions:
        numbers = {regular_place(structures, batch, k): k for k in range(PLACES_PER_BATCH)}
        low, high = min(n for _s, n in numbers), max(n for _s, n in numbers)
        for pk, structure, numero in PlaceReservee.objects.filter(
            convention=convention, kind="reguliere", numero__gte=low, numero__lte=high,
        ).values_list("pk", "structure_id", "numero"):
            places[(convention.pk, batch, numbers[(structure, numero)])] = pk
    with transaction.atomic():
        for index in range(first, to):
            _pathway(rows, random.Random(f"{seed}-{index}"), packing, base, index, base.anchor, index >= have, places)
        return rows.flush()


def grow(pathways: int, seed: int = SEED, *, anchor: date | None = None, verbose: bool = False) -> World:
    """Grows the bench world to ``pathways`` generated pathways (never shrinks it) and returns it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from portail.models import User

    say = print if verbose else (lambda *a, **k: None)
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        started = clock.perf_counter()
        rows = Rows(connection)
        with transaction.atomic():
            _build_base(rows, seed, anchor or timezone.localdate())
            written = rows.flush()
        say(f"base : {written} lignes en {clock.perf_counter() - started:.1f} s", flush=True)
    base = Base(seed)
    have = _generated()
    started = clock.perf_counter()
    while have < pathways:
        batch = have // BATCH
        to = min((batch + 1) * BATCH, pathways)
        written = _batch(base, seed, batch, have, to)
        have = to
        elapsed = clock.perf_counter() - started
        say(f"{have:>8} parcours ({written} lignes dans ce lot, {elapsed:.0f} s)", flush=True)
    if connection.vendor == "postgresql" and clock.perf_counter() - started > 0:
        # VACUUM as autovacuum would have on a live database: it sets the visibility map, without
        # which index-only scans still read the table. It cannot run in a transaction (tests).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return world(seed, have)


def world(seed: int = SEED, pathways: int | None = None) -> World:
    """The world as it is in the database (after ``grow``)."""
    from conventions.models import Convention
    from portail.models import Membership, Role, User

    def membership(email, role):
        return Membership.objects.select_related("user", "partenaire").get(user__email=email, role=role)

    accounts = {}
    for role, email in Membership.objects.filter(user__email__endswith=f"@{DOMAIN}").order_by("pk") \
            .values_list("role", "user__email"):
        accounts.setdefault(role, []).append(email)
    staff = User.objects.get(email=ADMIN_EMAIL)
    accounts["superuser"] = [staff.email]
    return World(
        seed=seed, anchor=staff.date_joined.date(), pathways=_generated() if pathways is None else pathways,
        password=password(),
        coordinator=membership(f"coordination.orleans.1@{DOMAIN}", Role.COORDINATEUR),
        big_coordinator=membership(f"coordination.departement45@{DOMAIN}", Role.COORDINATEUR),
        prescriber=membership(f"prescripteur.france-travail.1@{DOMAIN}", Role.PRESCRIPTEUR),
        funder=membership(f"financeur.departement45@{DOMAIN}", Role.FINANCEUR),
        direction=membership(f"direction.1@{DOMAIN}", Role.DIRECTION),
        admin_partenaire=membership(f"admin.orleans@{DOMAIN}", Role.ADMIN_PARTENAIRE),
        staff=staff,
        report_convention=Convention.objects.get(titre__startswith="Convention départementale du Loiret"),
        accounts=accounts,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--pathways", type=int, required=True, help="nombre de parcours voulus")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    from bench.database import setup

    setup()
    started = clock.perf_counter()
    result = grow(args.pathways, args.seed, verbose=True)
    print(f"Monde de banc d'essai : {result.pathways} parcours en {clock.perf_counter() - started:.0f} s "
          f"(jour de référence {result.anchor:%d/%m/%Y}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
