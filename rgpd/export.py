"""The export of everything the portal holds on one family (RGPD art. 15 and 20).

:func:`family_export` walks the family file read by :func:`rgpd.selectors.family_file` and returns
sections of objects, each with its fields as ``{"nom", "libelle", "valeur"}``: the JSON export
is this structure, the PDF renders it. Links to the agents who acted (users, memberships) and
technical keys (the duplicate key, the stale-form token) are not the family's data and are left out.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from portail.models import Membership

SKIPPED = {"cle_doublon", "jeton", "id"}


def _value(obj, field):
    if field.choices:
        raw = getattr(obj, field.attname)
        return {"code": raw, "libelle": getattr(obj, f"get_{field.name}_display")()} if raw not in (None, "") else raw
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return value.name.rsplit("/", 1)[-1] if value else ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _is_agent_link(field) -> bool:
    return isinstance(field, models.ForeignKey) and field.related_model in (
        Membership, _user_model(),
    )


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def dump(obj) -> dict:
    """One object: its kind and number, and every field that describes the family."""
    fields = [
        {"nom": f.name, "libelle": str(f.verbose_name), "valeur": _value(obj, f)}
        for f in obj._meta.concrete_fields
        if f.name not in SKIPPED and not _is_agent_link(f)
    ]
    return {"objet": f"{obj._meta.verbose_name} n° {obj.pk}", "type": obj._meta.label_lower, "champs": fields}


def _section(title: str, objects) -> dict:
    return {"titre": title, "objets": [dump(obj) for obj in objects]}


def _one(obj, name):
    try:
        related = getattr(obj, name)
    except models.ObjectDoesNotExist:
        return []
    return [related]


def family_export(famille) -> dict:
    """Everything the portal holds on ``famille`` (prefetched by ``selectors.family_file``)."""
    orientations = list(famille.orientations.all())
    pathways = list(famille.parcours.all())
    sections = [
        _section("Famille", [famille]),
        _section("Parents", famille.parents.all()),
        _section("Enfants", famille.enfants.all()),
        _section("Consentements", famille.consentements.all()),
        _section("Orientations", orientations),
        _section("Historique des orientations", [e for o in orientations for e in o.evenements.all()]),
        _section("Pièces jointes", [p for o in orientations for p in o.pieces_jointes.all()]),
        _section("Parcours", pathways),
        _section("Étapes des parcours", [t for p in pathways for t in p.transitions.all()]),
    ]
    for title, name in (
        ("Réunions conjointes", "reunion"), ("Projets d'accueil individualisés", "projet_accueil"),
        ("Adaptations", "adaptation"), ("Bilans à 6 mois", "bilan"), ("Sorties", "sortie"),
    ):
        sections.append(_section(title, [obj for p in pathways for obj in _one(p, name)]))
    sections += [
        _section("Attributions de places", [a for p in pathways for a in p.attributions.all()]),
        _section("Présences", [x for p in pathways for x in p.presences.all()]),
        _section("Notes de suivi", [n for p in pathways for n in p.notes.all()]),
        _section("Demandes d'effacement", famille.demandes_effacement.all()),
        _section("Anonymisation", _one(famille, "anonymisation")),
    ]
    return {
        "portail": settings.WAGTAIL_SITE_NAME,
        "famille": famille.pk,
        "produit_le": timezone.localtime().isoformat(),
        "sections": sections,
    }
