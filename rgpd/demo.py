"""Demo of the family's rights: one erasure request, refused because the family's pathway is open,
so the coordinator's page shows a decision with its legal reason. Idempotent."""

from django.utils import timezone

from parcours.demo import MARKER
from parcours.models import Parcours
from portail.models import Role

from . import services
from .models import DemandeEffacement


def seed(stdout) -> None:
    pathway = (
        Parcours.objects.filter(orientation__besoin__startswith=MARKER, state=Parcours.State.ACCUEIL)
        .select_related("convention").order_by("pk").first()
    )
    seeded = DemandeEffacement.objects.filter(famille__parcours__orientation__besoin__startswith=MARKER)
    if pathway is None or seeded.exists():
        stdout.write("  rgpd : rien à créer")
        return
    coordinators = pathway.convention.coordinateurs.filter(role=Role.COORDINATEUR, is_active=True)
    coordinator = coordinators.order_by("pk").first()
    if coordinator is None:
        stdout.write("  rgpd : aucun coordinateur")
        return
    demande = services.handle_erasure_request(coordinator.user, coordinator, pathway.famille, timezone.localdate())
    stdout.write(f"  rgpd : demande d'effacement de démonstration ({demande.get_decision_display().lower()})")
