"""Celery tasks of the hazard register: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from .ledger_export import run_export_job


@shared_task(acks_late=True)
def export_ledger(job_id: str) -> None:
    """Write a large ledger export (hazards.ledger_export.run_export_job); the job page polls its progress."""
    run_export_job(job_id)
