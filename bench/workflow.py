"""Benchmark of the workflow engine: cases of a 6-step process with one parallel gateway run through the
platform (persisted, audited, assigned) against the same BPMN in bare SpiffWorkflow in memory.

    .venv/bin/python bench/workflow.py [--n 300] [--open 100]

1. A fresh SQLite database in a temporary directory (DATABASE_URL / DIGIGOV_VAR_DIR set before Django
   starts), migrated, with a small test city.
2. Platform: ``actions.cases.start_case`` (an online applicant; audited, idempotency slot, task rows,
   timeline) then every user task completed through ``runtime.complete`` as an approver plus the audit entry
   the task actions write — each step its own transaction, the case's state reloaded from the database.
3. Bare: ``BpmnWorkflow`` on the same parsed spec, ``do_engine_steps`` and ``task.run()`` in memory.
4. Prints cases/s for both, ratio = platform / bare (goal ≥ 0.25), and the database rows and bytes an
   open case holds (``--open`` cases started and left at their first task).
"""

from __future__ import annotations

import argparse
import time

from _common import scratch_database

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_bench" targetNamespace="http://digigov.example/bpmn">
  <bpmn:process id="bench_six_steps" name="六环节并联审批" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
    <bpmn:userTask id="accept" name="受理" camunda:candidateGroups="window_clerk"/>
    <bpmn:sequenceFlow id="f2" sourceRef="accept" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="review_a"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="review_b"/>
    <bpmn:userTask id="review_a" name="甲部门审查" camunda:candidateGroups="approver@CITY-BDB"/>
    <bpmn:userTask id="review_b" name="乙部门审查" camunda:candidateGroups="approver@CITY-EDU"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review_a" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="review_b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="decide"/>
    <bpmn:userTask id="decide" name="决定" camunda:candidateGroups="approver"/>
    <bpmn:sequenceFlow id="f8" sourceRef="decide" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f9"/>
    <bpmn:sequenceFlow id="f9" sourceRef="gw" targetRef="sign"/>
    <bpmn:sequenceFlow id="f10" sourceRef="gw" targetRef="end_no"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "reject"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:userTask id="sign" name="签发" camunda:candidateGroups="approver"/>
    <bpmn:sequenceFlow id="f11" sourceRef="sign" targetRef="archive"/>
    <bpmn:userTask id="archive" name="归档" camunda:candidateGroups="window_clerk"/>
    <bpmn:sequenceFlow id="f12" sourceRef="archive" targetRef="end_ok"/>
    <bpmn:endEvent id="end_ok" name="准予"/>
    <bpmn:endEvent id="end_no" name="不予许可"/>
  </bpmn:process>
</bpmn:definitions>
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="cases per path (default 300)")
    parser.add_argument("--open", type=int, default=100, help="open cases for the rows/bytes figure (default 100)")
    args = parser.parse_args()
    with scratch_database("digigov-bench-workflow-"):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    call_command("migrate", verbosity=0, interactive=False)
    from digigov.core.audit.actions import record
    from digigov.core.audit.models import AuditEntry
    from digigov.core.testing import City, make_user
    from digigov.support.workflow import engine, runtime
    from digigov.support.workflow.actions.cases import start_case
    from digigov.support.workflow.actions.processes import activate_version, import_process
    from digigov.support.workflow.models import Case, CaseEvent, CaseStatus, IdempotentRequest, TaskStatus, WorkTask

    city = City()
    admin = make_user("city_admin")
    approver = make_user("approver")
    citizen = make_user("citizen")
    version = activate_version(admin, import_process(admin, BPMN.encode(), "bench.bpmn", department=city.bureau))

    def platform_case(i: int) -> None:
        case = start_case(citizen, version, title=f"测试申请{i}", data={"n": i})
        while True:
            tasks = list(WorkTask.objects.filter(case=case, status=TaskStatus.OPEN))
            if not tasks:
                break
            for t in tasks:
                with transaction.atomic():
                    runtime.complete(t, approver, outcome="approve")
                    record(approver, "workflow.task_complete", t, after={"outcome": "同意"})
        assert Case.objects.get(pk=case.pk).status == CaseStatus.APPROVED

    spec, subs = engine.spec_for(version)

    def bare_case(i: int) -> None:
        wf = BpmnWorkflow(spec, subs, script_engine=engine.SCRIPT_ENGINE)
        wf.get_tasks(state=TaskState.READY)[0].data.update({"n": i})
        wf.do_engine_steps()
        while not wf.is_completed():
            for t in wf.get_tasks(state=TaskState.READY, manual=True):
                t.data["decision"] = "approve"
                t.run()
            wf.do_engine_steps()

    platform_case(-1)
    bare_case(-1)
    started = time.perf_counter()
    for i in range(args.n):
        platform_case(i)
    platform_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(args.n):
        bare_case(i)
    bare_s = time.perf_counter() - started

    def counts():
        return {m.__name__: m.objects.count() for m in (Case, WorkTask, CaseEvent, AuditEntry, IdempotentRequest)}

    before = counts()
    for i in range(args.open):
        start_case(citizen, version, title=f"在办{i}", data={"n": i})
    after = counts()
    rows = {k: (after[k] - before[k]) / args.open for k in after}
    open_cases = list(Case.objects.filter(status=CaseStatus.RUNNING).order_by("-pk")[: args.open])
    state_bytes = sum(engine.state_size(c.state) for c in open_cases) / len(open_cases)
    with connection.cursor() as cur:
        try:
            cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            sizes = dict(cur.fetchall())
        except Exception:
            sizes = {}
    platform_rate, bare_rate = args.n / platform_s, args.n / bare_s
    print(f"platform: {args.n} cases in {platform_s:.2f} s = {platform_rate:.1f} cases/s (6 user tasks each, persisted + audited)")
    print(f"bare SpiffWorkflow: {args.n} cases in {bare_s:.2f} s = {bare_rate:.1f} cases/s (in memory)")
    print(f"ratio = {platform_rate / bare_rate:.3f} (goal >= 0.25)")
    print("rows per open case: " + ", ".join(f"{k} {v:.1f}" for k, v in rows.items()) + f"; total {sum(rows.values()):.1f}")
    print(f"state bytes per open case: {state_bytes:.0f}")
    if sizes:
        total = sum(sizes.get(t, 0) for t in ("workflow_case", "workflow_worktask", "workflow_caseevent"))
        cases_total = Case.objects.count()
        print(f"workflow tables on disk: {total / cases_total:.0f} bytes per case (pages incl. finished cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
