"""Worker for the restart-safety test (run as a separate process against a file database):

    python restart_worker.py setup N   — migrate, a small city, the parallel sample process, N cases
    python restart_worker.py run       — complete open tasks one engine step at a time, forever (killed -9)
    python restart_worker.py check     — print a JSON report of every case's consistency, then finish them all
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from SpiffWorkflow.util.task import TaskState

    from digigov.support.workflow import engine, runtime
    from digigov.support.workflow.models import Case, CaseEvent, CaseStatus, TaskStatus, WorkTask

    mode = sys.argv[1]
    if mode == "setup":
        call_command("migrate", verbosity=0, interactive=False)
        from digigov.core.testing import City
        from digigov.support.workflow.testing import make_version, parallel_bpmn, start_case

        city = City()
        version = make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau)
        for _ in range(int(sys.argv[2])):
            start_case(version, actor=city.system, department=city.bureau)
        print("ready", flush=True)
    elif mode == "run":
        from digigov.core.rbac.system import system_account

        actor = system_account()
        print("running", flush=True)
        steps = 0
        while True:
            task = WorkTask.objects.filter(status=TaskStatus.OPEN).order_by("?").first()
            if task is None:
                print("done", flush=True)
                return
            runtime.complete(task, actor, outcome="approve")
            steps += 1
            if steps % 5 == 0:
                print(f"steps {steps}", flush=True)
    elif mode == "check":
        from digigov.core.rbac.system import system_account

        report = {"cases": 0, "inconsistent": [], "twice": 0, "finished": 0}
        for case in Case.objects.all():
            report["cases"] += 1
            wf = engine.load(case.process_version, case.state)
            ready = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
            open_rows = set(case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).values_list("spiff_task_id", flat=True))
            done = case.tasks.filter(status=TaskStatus.COMPLETED).count()
            if ready != open_rows or case.revision != 1 + done:
                report["inconsistent"].append(case.number)
            for t in case.tasks.all():
                if CaseEvent.objects.filter(task=t, kind="task_completed").count() > 1:
                    report["twice"] += 1
        actor = system_account()
        while (task := WorkTask.objects.filter(status=TaskStatus.OPEN).first()) is not None:
            runtime.complete(task, actor, outcome="approve")  # re-sending the steps works
        report["finished"] = Case.objects.filter(status=CaseStatus.APPROVED).count()
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
