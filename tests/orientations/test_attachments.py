"""Attachment files follow the referral's transaction: a rolled-back save leaves no file behind."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from orientations import services
from orientations.forms import DossierForm
from orientations.models import Famille, Orientation, PieceJointe
from orientations.storage import PrivateStorage, atomic_with_files

from .factories import OrientationFactory
from .test_submission import PDF, dossier

pytestmark = pytest.mark.django_db


def as_member(membership):
    return SimpleNamespace(user=membership.user, membership=membership)


def files_in(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_referral_whose_save_fails_after_its_first_file_leaves_no_file(monde, private_media):
    form = DossierForm(dossier(monde, action="brouillon"))
    assert form.is_valid(), form.errors
    good, disguised = SimpleUploadedFile("bilan.pdf", PDF), SimpleUploadedFile("photo.jpg", b"GIF89a....")
    with pytest.raises(services.OrientationError, match="Seuls les fichiers PDF, JPEG ou PNG"):
        services.enregistrer_orientation(request=as_member(monde.prescripteur_pmi), data=form.service_data(),
                                         fichiers=[good, disguised])
    assert files_in(private_media) == []
    assert not PieceJointe.objects.exists() and not Orientation.objects.exists() and not Famille.objects.exists()


def test_an_attachment_whose_save_fails_after_the_write_leaves_no_file(monde, private_media, monkeypatch):
    orientation = OrientationFactory(famille__created_by_partenaire=monde.pmi, convention=monde.convention_pmi)

    def failing_audit(*args, **kwargs):
        raise DatabaseError("panne de la base après l'écriture du fichier")

    monkeypatch.setattr(services.audit, "record", failing_audit)
    with pytest.raises(DatabaseError):
        services.ajouter_piece_jointe(orientation, SimpleUploadedFile("bilan.pdf", PDF),
                                      request=as_member(monde.prescripteur_pmi))
    assert files_in(private_media) == []
    assert not PieceJointe.objects.exists()


def test_a_committed_attachment_keeps_its_file(monde, private_media):
    orientation = OrientationFactory(famille__created_by_partenaire=monde.pmi, convention=monde.convention_pmi)
    piece = services.ajouter_piece_jointe(orientation, SimpleUploadedFile("bilan.pdf", PDF),
                                          request=as_member(monde.prescripteur_pmi))
    [path] = files_in(private_media)
    assert path.read_bytes() == PDF and piece.fichier.name == path.relative_to(private_media).as_posix()


def test_files_of_a_nested_block_go_when_the_outer_block_fails(private_media):
    storage = PrivateStorage()
    with pytest.raises(RuntimeError), atomic_with_files():
        with atomic_with_files():
            storage.save("orientations/essai/inner.pdf", SimpleUploadedFile("inner.pdf", PDF))
        assert len(files_in(private_media)) == 1
        raise RuntimeError("échec après le bloc intérieur")
    assert files_in(private_media) == []
