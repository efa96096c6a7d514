"""An SMTP server for the tests (PyPI aiosmtpd): accepts every message on 127.0.0.1:PORT and
writes each, exactly as received, to FOLDER as 0001.eml, 0002.eml, ... (written whole, then
renamed). The envelope's recipients go first, in an X-Envelope-To header the test reads.

    python3 tests/smtp-sink.py PORT FOLDER
"""

import os
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.folder, "%04d.eml" % self.count)
        header = ("X-Envelope-To: %s\r\n" % ", ".join(envelope.rcpt_tos)).encode()
        with open(name + ".partial", "wb") as out:
            out.write(header + envelope.original_content)
        os.rename(name + ".partial", name)
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("listening", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
