"""The demo supply from the seeds, idempotent."""

import pytest

from conventions import demo
from conventions.models import Convention, HoraireOuverture, PlaceReservee, Structure
from portail import demo as portail_demo

pytestmark = pytest.mark.django_db


def _counts():
    return (Structure.objects.count(), Convention.objects.count(), PlaceReservee.objects.count(),
            HoraireOuverture.objects.count())


def test_demo_is_idempotent_and_follows_the_seeds():
    portail_demo.seed()
    demo.seed()
    first = _counts()
    demo.seed()
    assert _counts() == first
    pmi = Convention.objects.get(titre__startswith="Places réservées PMI")
    assert (pmi.places_reservees.count(), pmi.gratuite_mois) == (6, 6)
    assert pmi.coordinateurs.get().user.email == "coordination.orleans@exemple.fr"
    petits_pas = Convention.objects.get(titre__startswith="Les Petits Pas")
    assert sorted(petits_pas.places_reservees.values_list("kind", flat=True)) == (
        ["adaptation_urgence"] + ["reguliere"] * 6
    )
    assert petits_pas.gratuite_mois is None
    assert petits_pas.creneau_max_minutes == 210
    assert petits_pas.coordinateurs.get().user.email == "coordination.lunel@exemple.fr"
    parc = Structure.objects.get(nom="Les Petits Pas – Parc Jean Hugo")
    friday = [(h.ouverture.hour, h.fermeture.hour) for h in parc.horaires.filter(weekday=4)]
    assert friday == [(8, 12)]  # closed on Friday afternoon
    pole_emploi = Convention.objects.get(titre__startswith="Pôle emploi Orléans Nord")
    assert set(pole_emploi.places_reservees.values_list("structure__nom", flat=True)) == {"La Borde", "Dorémi"}
