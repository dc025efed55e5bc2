import os

from celery import shared_task


@shared_task
def ping() -> dict[str, int | str]:
    """Answers with the process that ran it, so a caller can tell a real worker from eager mode."""
    return {"pong": "pong", "pid": os.getpid()}
