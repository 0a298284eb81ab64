"""Run the background-task worker inside the web server process.

In the embedded mode the channel layer is in memory: a listener that pushes
to websockets only reaches browsers connected to the *same* process. So
`agora serve` without Redis runs the worker as a thread of the one ASGI
process (`AGORA_IN_PROCESS_WORKER=1`); with Redis, workers are separate
processes and the pub/sub layer carries the messages.
"""

from __future__ import annotations

import logging
import threading

from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


def start_in_process_worker(*, interval: float = 0.5) -> threading.Thread:
    """Start django-tasks-db's worker loop in a daemon thread and return it.

    A task cut short when the process stops is harmless: the event stays
    undelivered and `redeliver_pending` runs it at the next start.
    """
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="agora-task-worker", daemon=True)
    thread.start()
    logger.info("Task worker running inside the server process.")
    return thread
