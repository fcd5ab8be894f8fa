"""Keeping a project's stage rows with the project (connected in ProjectsConfig.ready).

A project saved for the first time gets its stage rows (projects.workflow.stages_start); a project
moved to another unit or year takes its stage rows along (they carry both for the lists' counts).
Project.objects.bulk_create sends projects_created for the same; a path around the ORM (COPY) calls
stages_start itself.
"""

from __future__ import annotations

from typing import Any

from projects.models import Project, StageState
from projects.workflow import stages_start


def project_saved(sender: type[Project], instance: Project, created: bool, raw: bool = False, **_: Any) -> None:
    if raw:  # loaddata: the fixture holds the stage rows too
        return
    if created:
        stages_start([instance])
        return
    loaded = getattr(instance, "_loaded_place", None)
    place = (instance.__dict__.get("year"), instance.__dict__.get("unit_id"))
    if loaded is not None and None not in loaded and None not in place and loaded != place:
        StageState.objects.filter(project=instance).update(year=instance.year, unit_id=instance.unit_id)
    instance._loaded_place = place


def projects_bulk_created(sender: type[Project], projects: list[Project], **_: Any) -> None:
    stages_start(projects)
