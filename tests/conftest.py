import pytest

from tests.factories import MembershipFactory, PartenaireFactory, UserFactory

pytest_plugins = ["tests.browser", "tests.celery_worker"]


@pytest.fixture
def prescripteur(db):
    """A prescriber of an authorised PMI partner."""
    return MembershipFactory(prescripteur=True)


@pytest.fixture
def superuser(db):
    return UserFactory(email="superadmin@exemple.fr", is_superuser=True, is_staff=True)


@pytest.fixture
def partenaire(db):
    return PartenaireFactory()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing with the production hasher costs a third of a second per user: tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
