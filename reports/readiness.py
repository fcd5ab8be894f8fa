"""The report's part of a project's readiness: the sections its outline requires must be written.

Registered with projects.readiness by ReportsConfig.ready (projects cannot import reports).
"""

from __future__ import annotations

from typing import Any

from projects.models import Project
from projects.readiness import Gap
from reports.models import Narrative
from reports.outline import REQUIRED_SECTIONS

NO_SECTION = "自评报告“{label}”尚未填写"


def narrative_gaps(project: Project, evaluation: Any) -> list[Gap]:
    """A gap for each required section of the scheme's outline that the narrative leaves empty."""
    narrative = getattr(project, "narrative", None)
    out = []
    for name in REQUIRED_SECTIONS.get(evaluation.scheme.report_outline, ()):
        if not getattr(narrative, name, "").strip():
            label = Narrative._meta.get_field(name).verbose_name
            out.append(Gap("narrative", NO_SECTION.format(label=label), project.pk))
    return out
