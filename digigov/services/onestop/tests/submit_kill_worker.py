"""Worker for the submission kill test (a separate process on a file database):

    python submit_kill_worker.py setup   — migrate, a small city, an item with a real process, a citizen's draft with its material
    python submit_kill_worker.py die     — submit, and die (os._exit) inside the transaction after the first case was started
    python submit_kill_worker.py check   — print JSON: what the crash left, then retry the submission and report it
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

    from digigov.services.onestop.actions import applications as actions
    from digigov.services.onestop.models import Application, ApplicationCase
    from digigov.support.workflow.models import Case, CaseMaterial

    mode = sys.argv[1]
    if mode == "setup":
        call_command("migrate", verbosity=0, interactive=False)
        from digigov.core.testing import City
        from digigov.services.onestop import requirements as req
        from digigov.services.onestop.application_testing import answers, citizen
        from digigov.services.onestop.models import MaterialForm
        from digigov.services.onestop.testing import item_with_process, make_bundle
        from digigov.support.window.testing import pdf_bytes

        city = City()
        user = citizen(city)
        a = item_with_process(city, user=city.system, name="成员甲", materials=(("申请书", MaterialForm.ORIGINAL),))
        b = item_with_process(city, user=city.system, name="成员乙", materials=(("申请书", MaterialForm.ORIGINAL),))
        bundle = make_bundle(city.bureau, [a, b])
        app = actions.start_application(user, bundle=bundle)
        actions.save_draft(user, app, data=answers(user))
        actions.add_material(user, app, key=req.for_bundle(bundle).materials[0].key, data=pdf_bytes(1))
        print("ready", flush=True)
    elif mode == "die":
        from django.db.models.signals import pre_save

        def die(sender, instance, **kwargs):
            if Case.objects.count() >= 1:  # the first member's case is written (uncommitted): crash now
                os._exit(9)

        pre_save.connect(die, sender=ApplicationCase)
        app = Application.objects.get()
        actions.submit(app.applicant, app, "kill-key")
        print("survived", flush=True)
    elif mode == "check":
        app = Application.objects.get()
        report = {"status": app.status, "number": app.number, "cases": Case.objects.count(), "links": ApplicationCase.objects.count(),
                  "case_materials": CaseMaterial.objects.count()}
        app = actions.submit(app.applicant, app, "kill-key")
        report.update(retry_status=app.status, retry_cases=Case.objects.count(), retry_links=ApplicationCase.objects.count(),
                      retry_materials=CaseMaterial.objects.count())
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
