"""Opens the pathway of an accepted referral, in the acceptance's own transaction."""

from django.dispatch import receiver

from orientations.signals import orientation_acceptee
from portail import audit
from portail.models import AuditEvent

from .models import Parcours


@receiver(orientation_acceptee, dispatch_uid="parcours_open_on_acceptance")
def open_parcours(sender, orientation, request=None, **kwargs) -> Parcours:
    parcours = Parcours.objects.create(
        orientation=orientation,
        famille_id=orientation.famille_id,
        enfant_id=orientation.enfant_id,
        convention_id=orientation.convention_id,
    )
    audit.record(request, AuditEvent.Action.CREATE, parcours, {"state": Parcours.State.REPERAGE})
    return parcours
