"""Where a case stands, read from its workflow state: the BPMN elements it is at (user tasks waiting for
people, timer and message events waiting, a failed service task) and the ones it has passed. The API's
``current_elements`` and the case diagram's markers both come from here."""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState

from . import engine


@dataclass
class Position:
    current: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def position(case) -> Position:
    if not case.state:
        return Position()
    from .runtime import waiting_messages

    workflow = engine.load(case.process_version, case.state)
    own = {getattr(s, "bpmn_id", None) for s in workflow.spec.task_specs.values()}
    current, completed, failed = [], [], []
    for t in workflow.get_tasks():  # top-level process only: the diagram draws the main process
        bpmn_id = getattr(t.task_spec, "bpmn_id", None)
        if not bpmn_id or bpmn_id not in own:
            continue
        if t.state == TaskState.ERROR:
            failed.append(bpmn_id)
        elif ((t.state == TaskState.READY and t.task_spec.manual)
              or (t.state == TaskState.WAITING and getattr(t.task_spec, "event_definition", None) is not None)
              or (t.state == TaskState.STARTED and hasattr(t.task_spec, "spec"))):  # a call activity / subprocess running
            current.append(bpmn_id)
        elif t.state == TaskState.COMPLETED:
            completed.append(bpmn_id)
    dedupe = lambda xs: list(dict.fromkeys(xs))  # noqa: E731
    current = dedupe(current + failed)
    return Position(current=current, completed=[c for c in dedupe(completed) if c not in current], failed=dedupe(failed),
                    messages=waiting_messages(workflow))
