"""The second factor: a TOTP application, plus single-use recovery codes.

A second factor is mandatory for every account that can open a family file (the roles of
:data:`portail.permissions.FAMILY_FILE_ROLES`) and for superusers. django-otp keeps the
verified device in the session (``OTPMiddleware`` sets ``request.user.otp_device``);
this module decides when it is required, enrols a TOTP device, issues recovery codes and
checks a code typed at the verification page.
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import AuditEvent

TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
RECOVERY_CODE_COUNT = 10


def second_factor_required(user, membership) -> bool:
    """Whether ``user`` acting through ``membership`` must have passed a second factor."""
    from .permissions import FAMILY_FILE_ROLES

    if settings.MFA_DISABLED_FOR_DEMO or not user.is_authenticated:
        return False
    return user.is_superuser or (membership is not None and membership.role in FAMILY_FILE_ROLES)


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device of an enrolment in progress (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The shared secret in base32, grouped by four, for manual entry in the application."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL of ``device`` as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms ``device`` when ``token`` is its current code, signs the second factor in.

    Returns the new recovery codes (to be shown once), or ``None`` when the code is wrong;
    nothing is written then beyond django-otp's failure counter.
    """
    if not device.verify_token(token.replace(" ", "")):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        codes = _issue_recovery_codes(device.user)
        audit.record(request, AuditEvent.Action.CREATE, device, {"fields": ["confirmed"]})
    otp_login(request, device)
    return codes


def regenerate_recovery_codes(request) -> list[str]:
    """New recovery codes for the signed-in user; the previous ones stop working."""
    with transaction.atomic():
        codes = _issue_recovery_codes(request.user)
        audit.record(
            request, AuditEvent.Action.UPDATE,
            StaticDevice.objects.get(user=request.user, name=RECOVERY_DEVICE_NAME),
            {"fields": ["codes"]},
        )
    return codes


def _issue_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request, token: str) -> bool:
    """Checks a TOTP code or a recovery code (spent on use); marks the session verified."""
    token = token.replace(" ", "").strip().lower()
    if not token:
        return False
    user = request.user
    # verify_token() also applies django-otp's throttling after repeated failures.
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            audit.record(request, AuditEvent.Action.UPDATE, device, {"fields": ["code_de_secours_utilise"]})
            return True
    return False


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
