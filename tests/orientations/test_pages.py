"""The pages: scoping, bounded query counts, reads recorded, attachments served only when allowed."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from orientations.models import Orientation, PieceJointe
from parcours.models import Parcours
from portail.models import AuditEvent
from tests.utils import login

from .factories import OrientationFactory
from .test_submission import PDF

pytestmark = pytest.mark.django_db


def of(monde, partenaire, convention, n=1, **kwargs):
    return [OrientationFactory(famille__created_by_partenaire=partenaire, convention=convention, **kwargs)
            for _ in range(n)]


def test_a_plie_prescriber_never_sees_a_pmi_referral(client, monde):
    [pmi] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    [plie] = of(monde, monde.plie, monde.petits_pas)
    login(client, monde.prescripteur_plie.user, monde.prescripteur_plie)
    listing = client.get(reverse("orientations:liste"))
    assert [o.pk for o in listing.context["page"]] == [plie.pk]
    assert client.get(reverse("orientations:detail", kwargs={"pk": pmi.pk})).status_code == 404
    assert client.post(reverse("orientations:annuler", kwargs={"pk": pmi.pk})).status_code == 404
    pmi.refresh_from_db()
    assert pmi.state == Orientation.State.ENVOYEE


def test_mes_orientations_shows_status_initials_age_convention_and_date(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True, enfant__prenom="Inès",
                       enfant__nom="Diallo", enfant__date_naissance=date(2025, 6, 1))
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    with freeze_time("2026-11-22 12:00"):
        response = client.get(reverse("orientations:liste"))
    row = response.text.split(orientation.reference)[1].split("</tr>")[0]
    assert "I. D." in row and "17 mois" in row and "Convention PMI – crèches d&#x27;Orléans" in row
    assert "Envoyée" in row and "Diallo" not in row


def test_filters_and_search_narrow_the_list_and_the_search_stays_out_of_the_url(client, monde):
    of(monde, monde.pmi, monde.convention_pmi, n=2)
    [sent] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True, enfant__nom="Zerbib")
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    url = reverse("orientations:liste")
    assert [o.pk for o in client.get(url, {"etat": "envoyee"}).context["page"]] == [sent.pk]
    redirect = client.post(url, {"q": "zerbib"})
    assert "zerbib" not in redirect["Location"].lower()
    assert [o.pk for o in client.get(url).context["page"]] == [sent.pk]
    client.post(url, {"effacer": "1"})
    assert len(client.get(url).context["page"]) == 3


def test_bad_filters_never_give_a_500(client, monde):
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    response = client.get(reverse("orientations:liste"), {"etat": "nimporte", "convention": "x", "page": "999"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_mes_orientations_costs_a_bounded_number_of_queries(client, monde, django_assert_max_num_queries, rows):
    of(monde, monde.pmi, monde.convention_pmi, n=rows, envoyee=True)
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("orientations:liste"))
    assert len(response.context["page"]) == min(rows, 25)


@pytest.mark.parametrize("rows", [3, 40])
def test_the_queue_costs_a_bounded_number_of_queries(client, monde, django_assert_max_num_queries, rows):
    of(monde, monde.pmi, monde.convention_pmi, n=rows, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("orientations:file"))
    assert len(response.context["page"]) == min(rows, 25)


def test_the_queue_is_ordered_by_weighting_and_holds_only_awaiting_referrals(client, monde):
    low, high = of(monde, monde.pmi, monde.convention_pmi, n=2, envoyee=True)
    Orientation.objects.filter(pk=high.pk).update(ponderation=9)
    of(monde, monde.pmi, monde.convention_pmi)  # a draft: not for the coordination
    of(monde, monde.plie, monde.petits_pas, envoyee=True)  # another convention's
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    assert [o.pk for o in client.get(reverse("orientations:file")).context["page"]] == [high.pk, low.pk]


def test_a_referral_to_be_decided_reaches_the_coordinators_of_the_partners_conventions(client, monde):
    [undecided] = of(monde, monde.pmi, None, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    assert [o.pk for o in client.get(reverse("orientations:file")).context["page"]] == [undecided.pk]
    login(client, monde.coord_lunel.user, monde.coord_lunel)
    assert list(client.get(reverse("orientations:file")).context["page"]) == []


def test_reading_a_file_is_recorded(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    response = client.get(reverse("orientations:detail", kwargs={"pk": orientation.pk}))
    assert response.status_code == 200
    assert orientation.enfant.prenom in response.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(orientation.pk),
                                     actor=monde.coord_orleans.user).exists()


def test_the_coordinator_accepts_from_the_page_and_the_pathway_opens(client, monde):
    [orientation] = of(monde, monde.pmi, None, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    url = reverse("orientations:accepter", kwargs={"pk": orientation.pk})
    response = client.post(url, {"convention": monde.convention_pmi.pk, "structure": monde.creche.pk})
    assert response.status_code == 302
    assert Parcours.objects.get().orientation == orientation


def test_a_refusal_without_reason_is_a_french_error(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    response = client.post(reverse("orientations:refuser", kwargs={"pk": orientation.pk}), {"motif": "", "message": ""})
    assert response.status_code == 200 and "Motif du refus</a> : Champ requis." in response.text
    orientation.refresh_from_db()
    assert orientation.state == Orientation.State.ENVOYEE


def test_the_prescriber_reads_the_reason_and_the_message_of_a_refusal(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    client.post(reverse("orientations:refuser", kwargs={"pk": orientation.pk}),
                {"motif": "complet", "message": "Revenez vers nous en mars."})
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    page = client.get(reverse("orientations:detail", kwargs={"pk": orientation.pk})).text
    assert "Aucune place disponible sur la période demandée" in page and "Revenez vers nous en mars." in page


def test_attachments_are_served_only_within_scope(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    client.post(reverse("orientations:ajouter_piece_jointe", kwargs={"pk": orientation.pk}),
                {"fichier": SimpleUploadedFile("scan.pdf", PDF)})
    piece = PieceJointe.objects.get()
    url = reverse("orientations:piece_jointe", kwargs={"pk": piece.pk})
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "scan" not in response["Content-Disposition"]
    login(client, monde.prescripteur_plie.user, monde.prescripteur_plie)
    assert client.get(url).status_code == 404


def test_a_disguised_attachment_is_refused_on_the_detail_page(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True)
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    response = client.post(reverse("orientations:ajouter_piece_jointe", kwargs={"pk": orientation.pk}),
                           {"fichier": SimpleUploadedFile("photo.jpg", b"GIF89a....")}, follow=True)
    assert "n&#x27;est ni un PDF" in response.text
    assert not PieceJointe.objects.exists()


def test_coordinator_scope_matches_the_policy(monde):
    """The queue's fast coordinator filter sees what the shared policy allows, plus "à décider" referrals."""
    from orientations.selectors import orientations_visibles
    from portail.permissions import scope

    of(monde, monde.pmi, monde.convention_pmi, n=2, envoyee=True)
    of(monde, monde.plie, monde.petits_pas, n=2, envoyee=True)
    [undecided] = of(monde, monde.pmi, None, envoyee=True)
    for coordinator in (monde.coord_orleans, monde.coord_lunel):
        policy = set(scope(Orientation.objects.all(), coordinator.user, coordinator).values_list("pk", flat=True))
        fast = set(orientations_visibles(coordinator.user, coordinator).values_list("pk", flat=True))
        assert fast - policy == ({undecided.pk} if coordinator == monde.coord_orleans else set())
        assert policy <= fast


def test_a_coordinator_sets_the_weights_and_the_queue_follows(client, monde):
    [orientation] = of(monde, monde.pmi, monde.convention_pmi, envoyee=True, famille__monoparentale=True)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    url = reverse("orientations:ponderation", kwargs={"pk": monde.convention_pmi.pk})
    weights = {"monoparentale": 7, "qpv": 2, "urgence": 4, "minima_sociaux": 2, "insertion": 2, "anciennete": 1}
    assert client.post(url, weights).status_code == 302
    orientation.refresh_from_db()
    assert orientation.ponderation == 7
    assert orientation.ponderation_detail[0] == {"critere": "monoparentale", "libelle": "Famille monoparentale",
                                                 "points": 7}
    response = client.post(url, {**weights, "urgence": 99})
    assert "Un poids ne dépasse pas 20 points." in response.text
    login(client, monde.coord_lunel.user, monde.coord_lunel)
    assert client.get(url).status_code == 404


def test_an_anonymised_file_says_so_where_the_names_were(client, monde, django_assert_max_num_queries):
    from rgpd.models import Anonymisation
    from rgpd.services import anonymise_family

    [anonymised, other] = of(monde, monde.pmi, monde.convention_pmi, n=2, envoyee=True,
                             enfant__prenom="Inès", enfant__nom="Diallo")
    with freeze_time("2026-11-20 10:00"):
        anonymise_family(anonymised.famille, Anonymisation.Cause.EFFACEMENT)
    mention = "Dossier anonymisé le 20/11/2026"
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("orientations:liste")).text
    assert mention in listing.split(anonymised.reference)[1].split("</tr>")[0]
    other_row = listing.split(other.reference)[1].split("</tr>")[0]
    assert "I. D." in other_row and "anonymisé" not in other_row
    detail = client.get(reverse("orientations:detail", kwargs={"pk": anonymised.pk})).text
    assert detail.count(mention) >= 2  # the notice, the child (and each parent)
    assert "Anonyme" not in detail
    assert "anonymisé" not in client.get(reverse("orientations:detail", kwargs={"pk": other.pk})).text
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    queue = client.get(reverse("orientations:file")).text
    assert mention in queue.split(anonymised.reference)[1].split("</tr>")[0]
