from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """运行监控: the mid-year stage (domain.md §8; the stage itself is projects.stages data)."""

    name = "monitoring"
    verbose_name = "运行监控"

    def ready(self) -> None:
        """Hand the monitoring stage's readiness and its import step to the engine and the import,
        which cannot import this app."""
        from indicators.services import register_import_step
        from projects.stages import StageKey
        from projects.workflow import register_readiness

        register_readiness(StageKey.MONITORING, "monitoring.readiness.monitoring_gaps")
        register_import_step("monitoring.importing.monitoring_import")  # a 监控表 (contract.md "Monitoring")
