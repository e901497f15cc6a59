"""Background work of the branches app, coded against Django's Tasks API (the backend is the
TASKS setting: inline by default, django-tasks-db's worker in production). Arguments are IDs."""

from django.tasks import task


@task
def run_roster_import(job_id: str) -> str:
    """Check or import the roster file of one `RosterImportJob`; returns its final state.
    Safe to deliver twice: a job no longer queued is left alone."""
    from branches.actions import roster_import_job_run

    return roster_import_job_run(job_id=job_id)
