from django.apps import AppConfig


class TargetsConfig(AppConfig):
    """绩效目标: the targets stage's review by 财预〔2015〕88号 (the stage itself is projects.stages data)."""

    name = "targets"
    verbose_name = "绩效目标"

    def ready(self) -> None:
        """Hand the targets stage's readiness to the engine, which cannot import this app."""
        from projects.stages import StageKey
        from projects.workflow import register_readiness

        register_readiness(StageKey.TARGETS, "targets.readiness.targets_gaps")
