"""Test helpers of the application slice (import from tests, the API fuzz world and the bench only)."""

from __future__ import annotations

from digigov.core.testing import make_user, resident_id


def citizen(city, name: str = "李四", *, division=None):
    """A citizen account with a real-name person."""
    from digigov.support.window.testing import make_person

    person = make_person(division or city.county_a, name=name, id_number=resident_id("210602", "19880808"), phone="13800138000")
    user = make_user("citizen")
    user.person = person
    user.display_name = name
    user.save(update_fields=["person", "display_name"])
    return user


def answers(user) -> dict:
    p = user.person
    return {"applicant_name": p.name, "applicant_id_number": p.id_number, "applicant_phone": "13800138000"}


def run_to_end(case, *, reject: bool = False) -> None:
    """Complete every open task of ``case`` as the system account (approve, or reject the reviews)."""
    from digigov.core.rbac.system import system_account
    from digigov.support.workflow import runtime
    from digigov.support.workflow.models import TaskStatus

    system = system_account()
    while (task := case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).order_by("id").first()) is not None:
        outcome = "reject" if reject and task.candidate_role == "approver" else ("approve" if task.candidate_role == "approver" else "complete")
        data = {f"{task.element_id}_decision": outcome} if outcome != "complete" else None
        runtime.complete(task, system, outcome=outcome, data=data)


def world_objects(city) -> dict:
    """A real draft application for the API fuzz test's ``{public_id}`` paths."""
    from .actions import applications as actions
    from .models import MaterialForm
    from .testing import item_with_process

    user = citizen(city, name="模糊测试")
    item = item_with_process(city, user=city.system, name="模糊测试事项", materials=(("申请书", MaterialForm.ORIGINAL),))
    app = actions.start_application(user, item=item)
    return {"/api/v1/services/applications/": app.public_id}
