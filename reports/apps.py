from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        # the tasks import reports.batch, which queues them: handed over once the apps are loaded
        from projects import readiness
        from reports import batch, tasks  # AppConfig.ready: the models they import are ready now
        from reports.readiness import narrative_gaps

        batch.tasks_register(export_chunk=tasks.export_chunk, export_assemble=tasks.export_assemble)
        # the report's required sections are part of a project's readiness (projects cannot ask reports)
        readiness.gaps_register(narrative_gaps, select_related="narrative")
