from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        """Hand down what lower modules need from reports, which they cannot import."""
        # imported here, not at the top: they import models, which are loaded only once ready() runs
        from projects import readiness
        from reports import batch, tasks
        from reports.readiness import narrative_gaps

        # the worker's tasks import reports.batch, which queues them
        batch.tasks_register(export_chunk=tasks.export_chunk, export_assemble=tasks.export_assemble)
        # the report's required sections are part of a project's readiness (projects cannot ask reports)
        readiness.gaps_register(narrative_gaps, select_related="narrative")
