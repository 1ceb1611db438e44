"""Pure rules of the referrals: eligibility, duplicates, weighting, ages. No Django import.

Every number comes from the seed documents (see docs/orientations.md):

* ages: Petits Pas (Lunel) takes children from 3 months to 3 years; the municipal facilities of
  Orléans from 10 weeks to 5 years. A convention stores its range as a minimum in weeks and a
  maximum in months; a child is eligible from the day it reaches the minimum until the day
  before it reaches the maximum;
* the parent's insertion pathway lasts at least the convention's minimum (2 months for Petits Pas);
* the commune of residence must be one the convention admits (Orléans for its conventions);
* only a partner allowed by the convention, and authorised to prescribe, may refer;
* priority goes to single-parent families, families living in a QPV and emergencies (Petits Pas),
  and requests are weighted before the allocation commission (SIVOM de la Save).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

EXPIRY_DAYS = 30
DEFAULT_DELAY_DAYS = 10
# Without a convention (to be decided by the coordination), the facilities' range applies.
DEFAULT_AGE_MIN_WEEKS = 10
DEFAULT_AGE_MAX_MONTHS = 60
# The age of a request counts one step per full week of waiting, up to this many weeks (a referral
# unanswered after 30 days expires, so a longer count would never apply).
MAX_WAITING_WEEKS = 4


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the last day of the month when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    """Complete months from ``start`` to ``end`` (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def age_label(birth: date, on: date) -> str:
    """The age in French, as a professional says it: « 7 semaines », « 8 mois », « 2 ans et 3 mois »."""
    if on < birth:
        return "à naître"
    months = whole_months_between(birth, on)
    if months < 2:
        weeks = (on - birth).days // 7
        return f"{weeks} semaine{'s' if weeks > 1 else ''}"
    if months < 24:
        return f"{months} mois"
    years, rest = divmod(months, 12)
    label = f"{years} an{'s' if years > 1 else ''}"
    return f"{label} et {rest} mois" if rest else label


def _format(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def age_problem(birth: date, start: date, min_weeks: int, max_months: int) -> str | None:
    """Why a child born on ``birth`` cannot start on ``start`` with this age range, or ``None``."""
    youngest_start = date.fromordinal(birth.toordinal() + 7 * min_weeks)
    too_old_from = add_months(birth, max_months)
    if start < youngest_start:
        return (
            f"L'enfant aura moins de {describe_weeks(min_weeks)} le {_format(start)} : "
            f"accueil possible à partir du {_format(youngest_start)}."
        )
    if start >= too_old_from:
        return (
            f"L'enfant aura atteint {describe_months(max_months)} le {_format(start)} : "
            f"cette convention accueille les enfants jusqu'à la veille de leurs {describe_months(max_months)}."
        )
    return None


def describe_weeks(weeks: int) -> str:
    """13 weeks read « 3 mois » (the seeds speak of 3 months), 10 weeks « 10 semaines »."""
    if weeks % 13 == 0 and weeks:
        return f"{weeks // 13 * 3} mois"
    return f"{weeks} semaine{'s' if weeks > 1 else ''}"


def describe_months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{months} mois"


def normalise_name(value: str) -> str:
    """A name without accents, case, punctuation or spaces: « D'Almeida » → « dalmeida »."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", ascii_only.lower())


def duplicate_key(first_name: str, last_name: str) -> str:
    """First name and last name normalised: « Léa-Marie  D'Almeida » = « lea marie dalmeida »."""
    return f"{normalise_name(first_name)}|{normalise_name(last_name)}"


@dataclass(frozen=True)
class ConventionTerms:
    """What the eligibility rules need to know of a convention."""

    title: str
    start: date
    end: date
    age_min_weeks: int
    age_max_months: int
    commune_ids: frozenset[int]          # empty: every commune
    commune_names: tuple[str, ...]
    prescriber_ids: frozenset[int]       # partners signing as prescribers
    min_pathway_months: int


@dataclass(frozen=True)
class Request:
    """What the prescriber submits, as the rules see it."""

    today: date
    birth: date
    start: date
    commune_id: int
    partner_id: int
    partner_authorised: bool
    pathway_months: tuple[int | None, ...] = ()   # planned length of each parent's insertion pathway
    convention: ConventionTerms | None = None


def eligibility_problems(request: Request) -> dict[str, str]:
    """``{field: French message}`` for every rule the request breaks; empty when eligible.

    The keys are the form fields the message belongs next to: ``date_naissance``,
    ``date_souhaitee``, ``convention``, ``commune``, ``parcours_duree_mois``.
    """
    problems: dict[str, str] = {}
    if request.birth > request.today:
        problems["date_naissance"] = "La date de naissance ne peut pas être dans le futur."
    if request.start < request.today:
        problems["date_souhaitee"] = "La date d'accueil souhaitée ne peut pas être passée."
    if not request.partner_authorised:
        problems["convention"] = (
            "Votre structure n'est pas habilitée à prescrire : adressez-vous à la coordination."
        )
    terms = request.convention
    if terms is not None:
        if terms.end < request.today or terms.end < request.start:
            problems.setdefault(
                "convention",
                f"La convention « {terms.title} » prend fin le {_format(terms.end)} : choisissez-en une autre.",
            )
        elif request.start < terms.start:
            problems.setdefault(
                "date_souhaitee",
                f"La convention « {terms.title} » ne commence que le {_format(terms.start)}.",
            )
        if request.partner_id not in terms.prescriber_ids:
            problems.setdefault(
                "convention",
                f"Votre structure n'est pas partenaire prescripteur de la convention « {terms.title} ».",
            )
        if terms.commune_ids and request.commune_id not in terms.commune_ids:
            problems["commune"] = (
                f"La convention « {terms.title} » est réservée aux familles résidant à "
                f"{', '.join(terms.commune_names)}."
            )
        if terms.min_pathway_months:
            longest = max((m for m in request.pathway_months if m is not None), default=None)
            if longest is None or longest < terms.min_pathway_months:
                problems["parcours_duree_mois"] = (
                    f"Le parcours d'insertion du parent doit durer au moins "
                    f"{terms.min_pathway_months} mois pour cette convention."
                )
        min_weeks, max_months = terms.age_min_weeks, terms.age_max_months
    else:
        min_weeks, max_months = DEFAULT_AGE_MIN_WEEKS, DEFAULT_AGE_MAX_MONTHS
    if "date_naissance" not in problems and request.birth <= request.start:
        age = age_problem(request.birth, request.start, min_weeks, max_months)
        if age:
            problems["date_naissance"] = age
    elif "date_naissance" not in problems:
        problems["date_naissance"] = "L'enfant doit être né à la date d'accueil souhaitée."
    return problems


@dataclass(frozen=True)
class Weights:
    monoparentale: int = 3
    qpv: int = 2
    urgence: int = 4
    minima_sociaux: int = 2
    insertion: int = 2
    anciennete: int = 1


DEFAULT_WEIGHTS = Weights()

CRITERIA_LABELS = {
    "monoparentale": "Famille monoparentale",
    "qpv": "Résidence en quartier prioritaire (QPV)",
    "urgence": "Situation d'urgence",
    "minima_sociaux": "Bénéficiaire de minima sociaux",
    "insertion": "Parent en parcours d'insertion",
    "anciennete": "Ancienneté de la demande",
}


@dataclass(frozen=True)
class Criteria:
    monoparentale: bool = False
    qpv: bool = False
    urgence: bool = False
    minima_sociaux: bool = False
    insertion: bool = False
    waiting_weeks: int = 0


@dataclass(frozen=True)
class Score:
    total: int
    breakdown: tuple[tuple[str, str, int], ...] = field(default=())   # (criterion, French label, points)

    def as_json(self) -> list[dict]:
        return [{"critere": key, "libelle": label, "points": points} for key, label, points in self.breakdown]


def weigh(criteria: Criteria, weights: Weights = DEFAULT_WEIGHTS) -> Score:
    """The priority score: each criterion met earns its weight; waiting earns a weight per week (capped)."""
    lines = []
    for name in ("monoparentale", "qpv", "urgence", "minima_sociaux", "insertion"):
        if getattr(criteria, name):
            lines.append((name, CRITERIA_LABELS[name], getattr(weights, name)))
    weeks = min(max(criteria.waiting_weeks, 0), MAX_WAITING_WEEKS)
    if weeks and weights.anciennete:
        label = f"{CRITERIA_LABELS['anciennete']} ({weeks} semaine{'s' if weeks > 1 else ''})"
        lines.append(("anciennete", label, weeks * weights.anciennete))
    return Score(total=sum(points for _, _, points in lines), breakdown=tuple(lines))


def deadline(sent_on: date, delay_days: int | None) -> date:
    """The day a coordinator must have answered by (the convention's delay, 10 days by default)."""
    return date.fromordinal(sent_on.toordinal() + (delay_days or DEFAULT_DELAY_DAYS))


def expiry_day(sent_on: date) -> date:
    """From this day on, a referral still unanswered is closed as expired (30 days after sending)."""
    return date.fromordinal(sent_on.toordinal() + EXPIRY_DAYS)


PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def sniff_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes (PDF, PNG or JPEG), ``None`` for anything else."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    if head.startswith(PNG_MAGIC):
        return "image/png"
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None
