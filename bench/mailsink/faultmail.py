"""Mail sink for bench/fault_test.py: each sent message becomes one file in FAULT_MAIL_DIR.

    EMAIL_BACKEND=faultmail.SinkBackend  (with bench/mailsink on PYTHONPATH)

Like a slow SMTP server: it waits FAULT_MAIL_DELAY seconds before and again after storing a
message, so a worker killed with -9 is often caught mid-send, either before the message is out or
after it is out but before the outbox row is marked sent. A message is written to a temporary
name and renamed, so a kill never leaves half a message. `read_sink` parses the folder.
"""

from __future__ import annotations

import email
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class SinkBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(os.environ["FAULT_MAIL_DIR"])
        self.delay = float(os.environ.get("FAULT_MAIL_DELAY", "0"))

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        sent = 0
        for message in email_messages:
            time.sleep(self.delay)
            name = f"{time.time():.6f}-{os.getpid()}-{uuid.uuid4().hex}"
            tmp = self.folder / f".{name}.tmp"
            with open(tmp, "wb") as out:
                out.write(message.message().as_bytes())
                out.flush()
                os.fsync(out.fileno())
            tmp.rename(self.folder / f"{name}.eml")
            sent += 1
            time.sleep(self.delay)
        return sent


def read_sink(folder: Path) -> list[dict[str, str]]:
    """Every stored message: its file, Message-ID, recipient and whether it is an outbox mail
    (those carry List-Unsubscribe; account mails such as "password changed" do not)."""
    messages = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes())
        messages.append({"file": path.name, "message_id": (msg["Message-ID"] or "").strip(),
                         "to": (msg["To"] or "").strip(),
                         "outbox": msg["List-Unsubscribe"] is not None})
    return messages
