"""What the workflow runtime announces, for the apps that react without the runtime importing them
(time limits, notifications, the window's unified output, later the one-stop portal).

Every signal is sent inside the engine step's transaction (receivers' writes commit or roll back with
the step) with ``sender=Case`` and keyword arguments ``case`` and ``actor`` (the user the step ran as),
plus:

* ``case_started`` — a case was created and its first engine steps ran.
* ``task_created`` — ``task`` (a ``WorkTask``) is waiting for people.
* ``task_completed`` — ``task`` was completed with ``task.outcome`` (approve / reject / correction / complete).
* ``correction_requested`` — ``task`` returned the case to the applicant with ``task.corrections``
  (the clock pauses until ``correction_submitted``).
* ``correction_submitted`` — the applicant answered a correction request.
* ``case_finished`` — the case reached an end: ``case.status`` is approved / rejected / withdrawn / cancelled.
* ``incident_raised`` — ``incident`` (an ``Incident``) stopped the case.
"""

from django.dispatch import Signal

case_started = Signal()
task_created = Signal()
task_completed = Signal()
correction_requested = Signal()
correction_submitted = Signal()
case_finished = Signal()
incident_raised = Signal()
