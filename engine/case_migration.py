"""Moving running cases to another version of their process (DESIGN.md "Definitions").

A case runs on the version it started on until a process owner migrates it. SpiffWorkflow's
diff (SpiffWorkflow.bpmn.util.diff) aligns the case's tasks with the new version's elements
by BPMN id. A case holding a task whose element the new version lacks is refused, naming the
elements: its saved state could not be read back. Otherwise each open task and waiting timer
is taken through the new version in place: the same task, with its owner, gets the new
version's unit, role, form and deadlines. Deadlines are computed again from the same anchors
(transferred_at, handle_from …), so a changed rule moves a deadline, not its start. A boundary
timer the new version adds to a step already open applies from the step's next opening.

One case is one version-checked transaction, recorded as a `migrated` history event (S2).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .definitions.process_versions import definition_of
from .errors import (
    InvalidInput,
    JtflowError,
    NotFound,
    PermissionDenied,
    StalledInstance,
)
from .models import Definition, Instance, User
from .people.users import get_user
from .people.visibility import MAX_ID, find_case
from .run.rows import DEFINED, as_defined
from .run.runner import TreeView, watched_element
from .run.runtime import ENDED, Loaded, evaluate_property
from .run.step import case_step
from .service import Jtflow
from .time.clock import parse_instant

PROCESS_OWNER = "流程负责人"


@dataclass(frozen=True)
class Migration:
    """What migrating one case did (or, in a dry run, would do)."""

    case_no: str
    from_version: int
    to_version: int | None  # None: a draft, previewed and never deployed
    changed: list[str]  # elements of the case's open work that differ in the new version
    retimed: list[dict[str, Any]]  # timers whose deadline moved: element, old and new due


@dataclass
class MigrationReport:
    migrated: list[Migration] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # case number → why
    to_version: int | None = None  # the version migrated to, when one version's cases move


class MigrationRefused(InvalidInput):
    """The case cannot move to that version as it stands."""


class MissingElements(MigrationRefused):
    """The new version lacks elements the case has passed or sits on: said alike for every
    case whose tree holds those elements, without naming the case."""


class MissingFacts(MissingElements):
    """The new version adds a decision or script before where the case already is: the facts
    it sets, which the new version's later steps read, would never exist in the case."""


def migrate_case(
    jtflow: Jtflow,
    case: str | int,
    *,
    to_version: int | None = None,
    actor: str,
    dry_run: bool = False,
    diffs: SpecDiffs | None = None,
) -> Migration:
    """Move one running case to `to_version` of its process (default: the newest). Cases
    migrated together share `diffs`, so each pair of versions is compared once."""
    runtime = jtflow.runtime
    with case_step(runtime, jtflow.sessions) as step:
        session, now = step.session, step.now
        _check_actor(session, actor)
        instance = find_case(session, case)
        source = session.get(Definition, instance.definition_id)
        assert source is not None
        target = _target(session, source, to_version)
        name = instance.case_no or str(instance.id)

        def act(loaded: Loaded) -> Migration:
            spec, dependencies = runtime.spec_of(session, target.id)
            compared = diffs or SpecDiffs(runtime.codec.registry)
            changed = migrate_tree(compared, loaded.workflow, spec, dependencies)
            migration = Migration(
                name,
                source.version,
                target.version,
                changed,
                moved_deadlines(loaded),
            )
            if dry_run:  # the migrated tree is dropped: the case's next step loads it again
                return migration
            loaded.redefined = _carried(loaded)  # diagram code, before the step writes anything
            instance.definition_id = target.id
            loaded.history.append(
                "migrated",
                at=now,
                actor=actor,
                data={
                    "from_version": source.version,
                    "to_version": target.version,
                    "from_definition": source.id,
                    "to_definition": target.id,
                    "changed": changed,
                    "retimed": migration.retimed,
                    # what the carried rows now say, so audit verify can check them (by
                    # element: Spiff task ids differ from run to run, replays included)
                    "carried": sorted(
                        (
                            {
                                "element_id": row["element_id"],
                                "unit": row["unit_code"],
                                "role": row["role"],
                            }
                            for row in loaded.redefined.values()
                        ),
                        key=lambda entry: (entry["element_id"], entry["unit"], entry["role"]),
                    ),
                },
            )
            return migration

        with explained(name, target.version):
            return step.run(
                instance,
                act,
                actor=actor,
                conflict=f"案件 {name} 刚被他人更新，未迁移：请重新运行迁移",
                preview=dry_run,
            ).value


@contextmanager
def explained(case_no: str, version: int | None) -> Iterator[None]:
    """A failing migration as the engine's own error, said plainly (`version` None: a draft)."""
    target = "草稿" if version is None else f"版本 {version} "
    try:
        yield
    except (SpiffWorkflowException, StalledInstance) as e:
        raise MigrationRefused(f"案件 {case_no} 在{target}上无法继续：{e}") from e


def migrate_running(
    jtflow: Jtflow,
    process_id: str,
    *,
    from_version: int,
    to_version: int | None = None,
    actor: str,
    dry_run: bool = False,
    chosen: Sequence[str] | None = None,
) -> MigrationReport:
    """Migrate the running cases of one version — all, or the `chosen` case numbers; a case
    that cannot move stays as it was, and a chosen one not running on the version is named."""
    with jtflow.sessions() as session:
        source = definition_of(session, process_id, from_version)
        target = _target(session, source, to_version)  # said once, not once per case
        numbers = session.scalars(
            select(Instance.case_no)
            .where(Instance.definition_id == source.id, Instance.status.not_in(ENDED))
            .order_by(Instance.id)
        )
        running = [case_no for case_no in numbers if case_no is not None]
    cases = running if chosen is None else [c for c in running if c in set(chosen)]
    report = migrate_each(jtflow, cases, to_version=target.version, actor=actor, dry_run=dry_run)
    for case_no in sorted(set(chosen or ()) - set(running)):
        report.refused[case_no] = f"案件 {case_no} 不在第 {source.version} 版上运行，未迁移"
    report.to_version = target.version
    return report


def migrate_each(
    jtflow: Jtflow,
    cases: Sequence[str | int],
    *,
    to_version: int | None = None,
    actor: str,
    dry_run: bool = False,
) -> MigrationReport:
    """Migrate each case on its own: one refused is reported and the others go on."""
    with jtflow.sessions() as session:
        _check_actor(session, actor)  # once for all, not once per case
    report = MigrationReport()
    diffs = SpecDiffs(jtflow.runtime.codec.registry)
    for case in cases:
        try:
            report.migrated.append(
                migrate_case(
                    jtflow, case, to_version=to_version, actor=actor, dry_run=dry_run, diffs=diffs
                )
            )
        except JtflowError as e:
            report.refused[_case_no(jtflow, case)] = str(e)
    return report


def running_elsewhere(session: Session, definition: Definition) -> dict[int, int]:
    """Running cases of the definition's process on other versions: version → count."""
    rows = session.execute(
        select(Definition.version, func.count(Instance.id))
        .join(Instance, Instance.definition_id == Definition.id)
        .where(
            Definition.process_id == definition.process_id,
            Definition.id != definition.id,
            Instance.status.not_in(ENDED),
        )
        .group_by(Definition.version)
        .order_by(Definition.version)
    )
    return {version: count for version, count in rows}


def check_process_owner(user: User) -> None:
    if PROCESS_OWNER not in (user.roles or []):
        raise PermissionDenied(
            f"{user.username} 不是{PROCESS_OWNER}：查看流程版本、迁移案件需要{PROCESS_OWNER}角色"
        )


def _check_actor(session: Session, actor: str) -> None:
    if actor != "system":
        check_process_owner(get_user(session, actor))


def _target(session: Session, source: Definition, version: int | None) -> Definition:
    query = select(Definition).where(Definition.process_id == source.process_id)
    if version is None:
        query = query.order_by(Definition.version.desc()).limit(1)
    else:
        query = query.where(Definition.version == version)
    # a version beyond the column's integers would overflow the query: there is no such one
    target = session.scalar(query) if version is None or 0 < version <= MAX_ID else None
    if target is None:
        raise NotFound(
            f"流程 {source.process_id} 没有版本 {version}：请先用 `jtflow deploy` 部署新版本"
        )
    if target.id == source.id:
        raise InvalidInput(
            f"目标版本就是当前版本（{source.process_id} 第 {source.version} 版）："
            "请先用 `jtflow deploy` 部署新版本，或用 --to 指定其他版本"
        )
    return target


class SpecDiffs:
    """SpiffWorkflow's spec comparisons, made once per pair of specs: every case on one
    version shares its spec objects (the runtime caches them), and comparing two specs is
    most of what diffing one case costs."""

    def __init__(self, registry: Any):
        self.registry = registry
        self._made: dict[tuple[int, int], tuple[Any, Any, SpecDiff]] = {}

    def of(self, old: Any, new: Any) -> SpecDiff:
        key = (id(old), id(new))
        if key not in self._made:  # the specs are kept with the diff, so their ids stay theirs
            self._made[key] = (old, new, SpecDiff(self.registry, old, new))
        return self._made[key][2]

    def workflow(self, wf: Any, spec: Any, dependencies: dict[str, Any]) -> tuple[Any, Any]:
        """As SpiffWorkflow's diff_workflow, with the spec comparisons reused."""
        top = WorkflowDiff(wf, self.of(wf.spec, spec))
        subs = {
            sp_id: WorkflowDiff(sp, self.of(sp.spec, dependencies[sp.spec.name]))
            if sp.spec.name in dependencies
            else None
            for sp_id, sp in wf.subprocesses.items()
        }
        return top, subs


def migrate_tree(diffs: SpecDiffs, wf: Any, spec: Any, dependencies: dict[str, Any]) -> list[str]:
    """Put the workflow and its running subprocesses on the new specs; returns the elements
    of open work whose definition changed. Raises MissingElements, touching nothing, when a
    task's element (or a running subprocess's process) is missing from the new version."""
    top, subs = diffs.workflow(wf, spec, dependencies)
    missing = [_element(t) for t in top.removed]
    for sub_id, diff in subs.items():
        sub = wf.subprocesses[sub_id]
        if diff is None:
            missing.append(f"子流程 {sub.spec.name}")
        else:
            missing += [_element(t) for t in diff.removed]
    if missing:
        names = "、".join(sorted(set(missing)))
        raise MissingElements(
            f"新版本缺少本案件已经过或正在办理的元素：{names}。"
            "请在新版本中保留这些元素的 id，或待案件办结后再用新版本"
        )
    skipped = _facts_passed_over(diffs.of(wf.spec, spec), wf)
    for sub_id in subs:
        sub = wf.subprocesses[sub_id]
        skipped += _facts_passed_over(diffs.of(sub.spec, dependencies[sub.spec.name]), sub)
    if skipped:
        names = "、".join(sorted(set(skipped)))
        raise MissingFacts(
            f"新版本在本案件已经过的位置新增了决策或脚本：{names}。本案件没有它们给出的数据，"
            "新版本之后的步骤会用到：请待案件办结后再用新版本"
        )
    changed = {_element(t) for t in top.changed if not t.has_state(_DONE)}
    migrate_workflow(top, wf, spec)
    wf.subprocess_specs = dependencies
    for sub_id, diff in subs.items():
        sub = wf.subprocesses[sub_id]
        changed |= {_element(t) for t in diff.changed if not t.has_state(_DONE)}
        migrate_workflow(diff, sub, dependencies[sub.spec.name])
    return sorted(changed)


_DONE = TaskState.COMPLETED | TaskState.CANCELLED
_REACHED = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.COMPLETED


def _facts_passed_over(diff: SpecDiff, wf: Any) -> list[str]:
    """The decisions and scripts the new version adds before an element the case has
    already reached (e.g. 确定平台时限 before 分类转办, issue 16): never run for this case."""
    reached = {t.task_spec for t in wf.get_tasks(skip_subprocesses=True) if t.has_state(_REACHED)}
    old_of = {new: old for old, new in diff.alignment.items() if new is not None}
    return [
        str(added.bpmn_name or added.bpmn_id or added.name)
        for added in diff.added
        if isinstance(added, ScriptEngineTask | BusinessRuleTaskMixin)
        and any(old_of.get(after) in reached for after in added.outputs)
    ]


def _element(task: Any) -> str:
    return str(task.task_spec.bpmn_id or task.task_spec.name)


def moved_deadlines(loaded: Loaded) -> list[dict[str, Any]]:
    """Timers whose deadline the new version moved, due now or not (one due already fires)."""
    moved = []
    for id, (was, _) in loaded.before.timers.items():
        task = loaded.workflow.get_task_from_id(UUID(id))
        value = None if task is None else task._get_internal_data("event_value")
        if value is None or parse_instant(value) == parse_instant(was):
            continue
        moved.append(
            {
                "element_id": task.task_spec.bpmn_id,
                "watches": watched_element(task),
                "old_due_at": parse_instant(was).isoformat(),
                "new_due_at": parse_instant(value).isoformat(),
            }
        )
    return moved


def _carried(loaded: Loaded) -> dict[str, dict[str, Any]]:
    """The rows of tasks carried over keep their id, owner and light and take the new
    version's name, unit, role, form and defaults: those columns, by Spiff task id."""
    wf = loaded.workflow
    return {
        str(task.id): as_defined(
            task, {name: evaluate_property(wf, task, name) for name in DEFINED}
        )
        for task in TreeView.of(wf).ready_user
        if str(task.id) in loaded.before.tasks
    }


def _case_no(jtflow: Jtflow, case: str | int) -> str:
    if isinstance(case, str):
        return case
    with jtflow.sessions() as session:
        instance = session.get(Instance, case)
        return str(instance.case_no if instance is not None else case)
