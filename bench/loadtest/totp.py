"""The current TOTP code of a django-otp device from its hex key (RFC 6238: SHA-1, 30 s, 6 digits).

The load client computes it itself, so the locust process needs no Django.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp_code(hex_key: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
