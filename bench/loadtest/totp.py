"""The current TOTP code of a django-otp device from its hex key (RFC 6238: SHA-1, 30 s, 6 digits),
computed by django-otp's own ``oath`` module, which needs no Django settings in the locust process."""

from __future__ import annotations

from django_otp.oath import TOTP


def totp_code(hex_key: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    totp = TOTP(bytes.fromhex(hex_key), step=step, digits=digits)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{digits}d}"
