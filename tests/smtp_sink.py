"""A local SMTP server for the scale-out test, run as its own process:

    python tests/smtp_sink.py --port PORT --out FILE [--hold ADDRESS] [--delay SECONDS]

Every message it accepts is one JSON line in FILE (recipients, Message-ID, X-PROUD-Delivery). With
--hold, the first RCPT TO of ADDRESS is not answered for a long time, and a {"held": ADDRESS} line
says so: the worker sending it is then in the middle of the SMTP conversation, before any of the
message's data, and the test can kill it there. Later attempts at the same address go through.
--delay slows every message a little, so a queue of 200 takes a few seconds, as with a real server."""

import argparse
import asyncio
import json
import signal
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, hold: str | None, delay: float):
        self.out, self.hold, self.delay = out, hold, delay
        self.held = False

    def write(self, record: dict) -> None:
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.hold and not self.held:
            self.held = True
            self.write({"held": address})
            await asyncio.sleep(600)  # the test kills the sender meanwhile
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content)
        self.write({
            "to": envelope.rcpt_tos,
            "message_id": message["Message-ID"],
            "delivery": message["X-PROUD-Delivery"],
        })
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hold")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with open(args.out, "a", encoding="utf-8") as out:
        controller = Controller(Sink(out, args.hold, args.delay), hostname="127.0.0.1", port=args.port)
        controller.start()
        out.write(json.dumps({"listening": args.port}) + "\n")
        out.flush()
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
        controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
