"""An e-mail backend for the resilience run: Django's file backend, as slow as an SMTP server.

Each message waits ``SLOW_MAIL_SECONDS`` (default 0.2 s, a round trip to a relay) before it is
written, so a worker killed "during the daily e-mails" is killed in the middle of them, as it
would be in production, not after a burst of instant writes.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.2")) * len(email_messages or []))
        return super().send_messages(email_messages)
