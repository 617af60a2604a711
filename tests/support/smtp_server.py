#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd): writes every accepted message to a folder,
one file each, and can refuse the first N messages with a temporary error (451) or take its time
over each one, so that a test can kill a worker in the middle of sending.

    python3 tests/support/smtp_server.py --port 2525 --dir /tmp/mail [--fail-first 2] [--delay 0.2]

Prints "ready" once it listens; runs until killed.
"""
import argparse
import asyncio
import os
import signal
import time
import uuid

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder, fail_first, delay):
        self.folder = folder
        self.fail_first = fail_first
        self.delay = delay
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen <= self.fail_first:
            return "451 4.3.0 Busy, try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        temporary = os.path.join(self.folder, name + ".part")
        with open(temporary, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(temporary, os.path.join(self.folder, name))
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(
        Handler(args.dir, args.fail_first, args.delay), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    controller.stop()


if __name__ == "__main__":
    main()
