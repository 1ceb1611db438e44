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


def test_demo_pages_render_for_the_orleans_and_lunel_coordinators(client, django_assert_max_num_queries):
    from django.urls import reverse

    from portail.models import Membership
    from tests.utils import login

    portail_demo.seed()
    demo.seed()
    for email, expected in [("coordination.orleans@exemple.fr", 3), ("coordination.lunel@exemple.fr", 1)]:
        membership = Membership.objects.get(user__email=email)
        login(client, membership.user, membership)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("conventions:convention_list"))
        assert response.context["page"].paginator.count == expected
        for convention in response.context["page"]:
            page = client.get(reverse("conventions:convention_detail", args=[convention.pk]))
            assert page.status_code == 200
        structures = client.get(reverse("conventions:structure_list"))
        for structure in structures.context["page"]:
            assert client.get(reverse("conventions:structure_detail", args=[structure.pk])).status_code == 200
    lunel = client.get(reverse("conventions:structure_list")).content.decode()
    assert "Les Petits Pas – Parc Jean Hugo" in lunel
    assert "La Bolière" not in lunel
    prescripteur = Membership.objects.get(user__email="prescripteur.plie@exemple.fr")
    login(client, prescripteur.user, prescripteur)
    titles = [c.titre for c in client.get(reverse("conventions:convention_list")).context["page"]]
    assert titles == ["Les Petits Pas – halte-jeux des parents en parcours d'insertion (Lunel)"]
