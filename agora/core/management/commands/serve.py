"""`agora serve`: HTTP and websockets on one address, plus the task worker.

Starts uvicorn (the ASGI app: pages and /ws/) and the task worker, first
delivering any events a crash left undelivered. Ctrl-C stops both.

With Redis (``REDIS_URL``) the worker is a separate `agora db_worker`
process and live updates cross processes through Redis pub/sub. Without it
the channel layer lives in memory, so the worker runs as a thread inside the
single uvicorn process, where the websockets are.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agora.core.events import redeliver_pending


class Command(BaseCommand):
    help = "Serve Agora (HTTP + websockets) with the background-task worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("AGORA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AGORA_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )

    def handle(self, *args, **options) -> None:
        delivered = redeliver_pending()
        if delivered:
            self.stdout.write(f"Delivered {delivered} pending events.")
        uvicorn = [
            sys.executable,
            "-m",
            "uvicorn",
            "agora.asgi:application",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--no-access-log",
            "--lifespan",
            "off",
            # Compressing each live message per socket costs more CPU than it saves.
            "--ws-per-message-deflate",
            "false",
        ]
        environment = dict(os.environ)
        separate_worker = bool(settings.REDIS_URL)
        if not options["no_worker"] and not separate_worker:
            if options["workers"] > 1:
                raise CommandError(
                    "Without REDIS_URL live updates need one server process: use --workers 1."
                )
            environment["AGORA_IN_PROCESS_WORKER"] = "1"
        processes = [subprocess.Popen(uvicorn, env=environment)]
        if not options["no_worker"] and separate_worker:
            worker = [
                sys.executable,
                "-m",
                "agora.cli",
                "db_worker",
                "--interval",
                "0.5",
                "-v",
                "0",
            ]
            processes.append(subprocess.Popen(worker))
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Agora is running at {address}"))
        if settings.DEBUG or not os.environ.get("SECRET_KEY"):
            self.stdout.write(self.demo_logins())
        self.stdout.write("Press Ctrl-C to stop.")

        def stop(*_args) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + 10
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            self.stderr.write("A server process stopped; stopping the others.")
        except KeyboardInterrupt:
            pass
        stop()

    def demo_logins(self) -> str:
        from agora.accounts.models import User
        from agora.demo import DEMO_LOGINS, DEMO_PASSWORD

        emails = [email for email, _role in DEMO_LOGINS]
        if not User.objects.filter(email__in=emails).exists():
            return ""
        lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        lines += [f"  {email:<32} {role}" for email, role in DEMO_LOGINS]
        return "\n".join(lines)
