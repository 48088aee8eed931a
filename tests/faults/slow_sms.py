"""A test-only SMS backend (``PORTAL_SMS_BACKEND``) for the fault tests: it writes
``begin <pid> <phone>`` to the file ``FAULTS_SMS_LOG``, waits ``FAULTS_SMS_DELAY``
seconds (a slow gateway: the moment a test kills the worker), then writes
``sent <pid> <phone>``. The file is what the "gateway" received: one ``sent`` line per
message delivered."""

import os
import time


class SlowSMSBackend:
    def _write(self, what: str, phone: str) -> None:
        with open(os.environ["FAULTS_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{what} {os.getpid()} {phone}\n")
            log.flush()

    def send(self, phone: str, message: str) -> None:
        self._write("begin", phone)
        time.sleep(float(os.environ.get("FAULTS_SMS_DELAY", "0")))
        self._write("sent", phone)
