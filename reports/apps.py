from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        # the tasks import reports.batch, which queues them: handed over once the apps are loaded
        from reports import batch, tasks  # AppConfig.ready: the models they import are ready now

        batch.tasks_register(export_chunk=tasks.export_chunk, export_assemble=tasks.export_assemble)
