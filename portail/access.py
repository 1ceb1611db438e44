"""How the rows of a model relate to memberships; the policy itself is ``portail.permissions``.

Kept apart so that ``portail.models`` can declare its own rules without importing the policy.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    """How the rows of a model relate to the memberships allowed to see them.

    Every value is an ORM lookup path starting from the model:

    * ``prescripteur``: to the prescribing :class:`~portail.models.Partenaire`;
    * ``coordinateur``: to :class:`~portail.models.Membership` rows assigned to the object
      (several paths: through the convention, through the facility…);
    * ``direction``: to the :class:`~portail.models.Partenaire` managing the facility;
    * ``financeur``: to a funding :class:`~portail.models.Partenaire`;
    * ``admin_partenaire``: to the :class:`~portail.models.Partenaire` whose administrators
      manage the object (members, invitations).
    """

    prescripteur: str | None = None
    coordinateur: tuple[str, ...] = ()
    direction: str | None = None
    financeur: str | None = None
    admin_partenaire: str | None = None
