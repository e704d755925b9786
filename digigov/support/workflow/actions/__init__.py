"""Every write of the workflow app, one module per concern (``actions.timelimits``, ``actions.calendar`` …).

Each action checks the actor's permission on the object (``require``), validates, writes inside one
transaction and appends an audit entry. Bad input raises a ``DigiGovError`` with a Chinese message;
nothing is half-written. Import the module you need: ``from digigov.support.workflow.actions import calendar``.
"""
