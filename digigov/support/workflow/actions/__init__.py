"""Every write of processes and cases (permission, validation, one transaction, audit entry), one module
per object: ``cases`` (start, withdraw), and — added by the slices that own them — ``processes`` (import,
activate, retire), ``tasks`` (claim, hand over, delegate, correction, approve, reject), ``incidents``,
``timelimits`` and ``calendar``. Import the module you need: ``from digigov.support.workflow.actions import cases``.
"""
