from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A health task: the worker answers with what it was given."""
    return f"pong:{value}"


@shared_task
def purge_audit_events() -> int:
    """Delete audit events past their retention (180 days; reveals three years)."""
    from .audit import purge_expired

    return purge_expired()
