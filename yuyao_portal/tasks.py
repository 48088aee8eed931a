from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A health task: the worker answers with what it was given."""
    return f"pong:{value}"
