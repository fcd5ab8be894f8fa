"""The stages of a project's year as data (issue 16): 绩效目标 → 运行监控 → 自评.

Each stage has its own state (StageState: status, round, version) and its own transitions; what a
state locks is said per stage as sets of parts, so the lock rule (projects.workflow.is_locked) and
the actions a user may take (projects.workflow.allowed_actions) are read from here and never
re-derived by a page. A new stage is a StageSpec registered here (its transitions and locks), a
readiness function registered by the app that owns its rules (projects.workflow.register_readiness),
and templates: no `if stage == ...` in a service. Review levels (主管部门, 财政) will be a field of the
spec's transitions and of StageState, not new code paths.

This module is plain data: no ORM, no request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class Part:
    """Field groups a state can lock: what an edit writes decides which part it asks about."""

    TARGETS = "targets"  # tree names, comparators, target values, units, weights, declared budget, goals
    ACTUALS = "actuals"  # actual values, deviation reasons, 不适用, executed amounts
    MONITORING = "monitoring"  # mid-year observations (运行监控)
    NARRATIVE = "narrative"  # the 自评报告 text

    ALL = (TARGETS, ACTUALS, MONITORING, NARRATIVE)
    LABELS = {TARGETS: "绩效目标", ACTUALS: "完成情况", MONITORING: "运行监控", NARRATIVE: "自评报告"}


class StageKey:
    TARGETS = "targets"
    MONITORING = "monitoring"
    SELF_EVALUATION = "self_evaluation"


class StageStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    # a project's targets that came with its self-evaluation (an imported 自评表, a year before the
    # targets stage existed): there was no declaration to review, and they stay editable with the
    # self-evaluation as before
    RECORDED = "recorded"
    # 88号's 良: the officer makes the listed changes and the reviewer approves them without a new round
    REVISING = "revising"
    # 调整绩效目标: approved targets reopened by the officer, with a reason, for review again
    ADJUSTING = "adjusting"
    # a stage the year uses that has not begun: the self-evaluation of a project whose targets are
    # still being declared (approved targets open it: Transition.opens)
    NOT_OPEN = "not_open"

    LABELS = {DRAFT: "草稿", SUBMITTED: "已提交", RETURNED: "已退回", APPROVED: "已审核", REJECTED: "未通过",
              RECORDED: "随自评填报", REVISING: "按意见修改", ADJUSTING: "调整中", NOT_OPEN: "未开始"}  # fmt: skip
    CHOICES = tuple(LABELS.items())


class Action:
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"
    REJECT = "reject"
    REVISE = "revise"
    ADJUST = "adjust"

    LABELS = {SUBMIT: "提交", WITHDRAW: "撤回", RETURN: "退回", APPROVE: "审核通过", REOPEN: "重新打开",
              REJECT: "不予通过", REVISE: "按意见修改", ADJUST: "调整绩效目标"}  # fmt: skip


OFFICER, EVALUATOR, ADMIN = "officer", "evaluator", "admin"  # projects.models.Role's values
EDITABLE = (StageStatus.DRAFT, StageStatus.RETURNED)


@dataclass(frozen=True)
class Transition:
    """One step of a stage: from which states, to which, who may take it, what it asks for."""

    stage: str
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason: str = ""  # what the required reason is called; "" when the step takes none
    ready: bool = False  # the stage's readiness must find nothing missing (projects.workflow.register_readiness)
    unreviewed: bool = False  # only while no evaluator has acted on the round (register_review_started)
    opens: str = ""  # the stage this step opens (approved targets open the self-evaluation)
    via: str = ""  # the URL name of the page that takes this step (its own form), "" for the stage panel's button

    @property
    def label(self) -> str:
        return Action.LABELS[self.action]


@dataclass(frozen=True)
class StageSpec:
    key: str
    label: str
    order: int
    transitions: tuple[Transition, ...]
    # status -> the parts that status locks (a status not listed locks nothing)
    locks: dict[str, frozenset[str]] = field(default_factory=dict)
    # the Project column that mirrors this stage's status for the lists and filters ("" for none)
    project_field: str = ""
    # the template of the stage's panel on the project page ("": the page is the stage's own, as the
    # self-evaluation's); it gets the panel (projects.views.StagePanel) as `panel`
    template: str = "projects/stages/_panel.html"

    def transition(self, action: str) -> Transition:
        for step in self.transitions:
            if step.action == action:
                return step
        raise KeyError(f"{self.key} has no action {action!r}")


def review_cycle(stage: str, *, reopen_to: str = StageStatus.RETURNED, opens: str = "") -> tuple[Transition, ...]:
    """The cycle every reviewed stage shares: 提交 → 退回 / 审核通过, 撤回 before review, admin 重新打开."""
    s = StageStatus
    return (
        Transition(stage, Action.SUBMIT, EDITABLE, s.SUBMITTED, (OFFICER, ADMIN), ready=True),
        Transition(stage, Action.WITHDRAW, (s.SUBMITTED,), s.DRAFT, (OFFICER,), "撤回理由", unreviewed=True),
        Transition(stage, Action.RETURN, (s.SUBMITTED,), s.RETURNED, (EVALUATOR, ADMIN), "退回理由"),
        Transition(stage, Action.APPROVE, (s.SUBMITTED,), s.APPROVED, (EVALUATOR, ADMIN), ready=True, opens=opens),
        Transition(stage, Action.REOPEN, (s.APPROVED, s.REJECTED), reopen_to, (ADMIN,), "重新打开的理由"),
    )


def _locks(parts: Iterable[str]) -> dict[str, frozenset[str]]:
    locked = frozenset(parts)
    return {StageStatus.SUBMITTED: locked, StageStatus.APPROVED: locked, StageStatus.REJECTED: locked}


P = Part
STAGES: dict[str, StageSpec] = {}


def register(spec: StageSpec) -> StageSpec:
    """Add a stage (tests add their own); the order decides the year's sequence."""
    STAGES[spec.key] = spec
    return spec


def unregister(key: str) -> None:
    STAGES.pop(key, None)


_T, _REVIEW = StageKey.TARGETS, "targets:review"
register(StageSpec(
    # 88号: the reviewer's result is the step (targets.services.RESULT_ACTIONS), taken on the review page
    _T, "绩效目标", 10, (
        Transition(_T, Action.SUBMIT, (*EDITABLE, StageStatus.ADJUSTING), StageStatus.SUBMITTED, (OFFICER, ADMIN),
                   ready=True),
        # 调整绩效目标: approved targets change only through a new review, with the reason on the record
        Transition(_T, Action.ADJUST, (StageStatus.APPROVED,), StageStatus.ADJUSTING, (OFFICER, ADMIN), "调整理由"),
        Transition(_T, Action.WITHDRAW, (StageStatus.SUBMITTED,), StageStatus.DRAFT, (OFFICER,), "撤回理由",
                   unreviewed=True),
        # 优, or 良's changes made: approved, and the self-evaluation opens on these targets
        Transition(_T, Action.APPROVE, (StageStatus.SUBMITTED, StageStatus.REVISING), StageStatus.APPROVED,
                   (EVALUATOR, ADMIN), ready=True, opens=StageKey.SELF_EVALUATION, via=_REVIEW),
        Transition(_T, Action.REVISE, (StageStatus.SUBMITTED,), StageStatus.REVISING, (EVALUATOR, ADMIN),
                   "须修改的内容", via=_REVIEW),  # 良
        Transition(_T, Action.RETURN, (StageStatus.SUBMITTED,), StageStatus.RETURNED, (EVALUATOR, ADMIN), "退回理由",
                   via=_REVIEW),  # 中
        Transition(_T, Action.REJECT, (StageStatus.SUBMITTED,), StageStatus.REJECTED, (EVALUATOR, ADMIN),
                   "不予通过的理由", via=_REVIEW),  # 差
        Transition(_T, Action.REOPEN, (StageStatus.APPROVED, StageStatus.REJECTED), StageStatus.RETURNED, (ADMIN,),
                   "重新打开的理由"),
    ),
    locks=_locks([P.TARGETS]), template="targets/panel.html",
))  # fmt: skip
register(StageSpec(
    StageKey.MONITORING, "运行监控", 20, review_cycle(StageKey.MONITORING),
    locks=_locks([P.MONITORING]),
))  # fmt: skip
register(StageSpec(
    # an evaluation under review or approved locks everything: its targets, actuals and report are what was judged
    StageKey.SELF_EVALUATION, "自评", 30, review_cycle(StageKey.SELF_EVALUATION),
    # not yet open (targets being declared): no actuals or report before the year's targets are approved
    locks={**_locks(P.ALL), StageStatus.NOT_OPEN: frozenset([P.ACTUALS, P.NARRATIVE])},
    project_field="status", template="",
))  # fmt: skip


def ordered() -> list[StageSpec]:
    return sorted(STAGES.values(), key=lambda s: s.order)


def locked_parts(states: dict[str, str]) -> frozenset[str]:
    """The parts locked by a project's stage states ({stage key: status})."""
    out: set[str] = set()
    for key, status in states.items():
        spec = STAGES.get(key)
        if spec is not None:
            out |= spec.locks.get(status, frozenset())
    return frozenset(out)


def status_label(status: str) -> str:
    return StageStatus.LABELS.get(status, status)
