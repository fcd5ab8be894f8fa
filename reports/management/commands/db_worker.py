"""`manage.py db_worker`: django-tasks' database worker, which first recovers batch exports.

This command takes the place of django_tasks_db's own (reports comes before it in INSTALLED_APPS,
and the app listed first wins): before the worker takes tasks it recovers what dead workers left
(reports.batch.export_jobs_recover) and queues the recurring `export_recover` task on its first
queue, which repeats the recovery every EVALSYS_EXPORT_RECOVER_MINUTES and tells the pages that
a worker is alive. Every option is django-tasks'.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Command as TasksWorkerCommand

from intake.jobs import import_jobs_recover
from monitoring.relight import relights_recover
from reports.batch import export_jobs_recover, stale_minutes
from reports.tasks import recover_schedule


class Command(TasksWorkerCommand):
    help = "运行后台任务（批量导出）；启动时先恢复中断的导出，并定期重复"

    def handle(self, *args: Any, **options: Any) -> None:
        queue = next((q for q in str(options["queue_name"]).split(",") if q != "*"), "default")
        with transaction.atomic():
            export_jobs_recover()
            import_jobs_recover(minutes=stale_minutes())  # large uploads' dry runs and imports (intake.jobs)
            relights_recover(minutes=stale_minutes())  # the years' relights (monitoring.relight)
            recover_schedule(queue, delay=False)  # the first recovery marks the worker alive at once
        super().handle(*args, **options)
