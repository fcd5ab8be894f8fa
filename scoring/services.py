"""Moved to projects.scores (README "Layers"): the ORM adapter reads Project rows with their
indicators and writes Project's score columns, so it belongs with projects, not below them. This
name stays for the callers not moved yet (projects/services.py, in the workflow rewrite); delete it
with them."""

from projects.scores import (  # noqa: F401
    STORED,
    all_answered,
    evaluation_input,
    evaluation_input_of,
    evaluation_json,
    indicator_input,
    project_evaluate,
    projects_rescore,
    projects_store_evaluations,
    projects_store_scores,
    warning_codes,
)
