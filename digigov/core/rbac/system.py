"""The platform's named system account: scheduled jobs, the demo-city generator and other work no
person starts act as this account, so every audit entry names an actor and every action checks one.

It is a service account with an unusable password and no API key; it cannot log in. It alone holds
the ``system`` role, which no action can grant (``assign_role`` refuses it).
"""

from __future__ import annotations

from django.db import transaction

SYSTEM_USERNAME = "system"


@transaction.atomic
def system_account():
    from digigov.core.accounts.models import User, UserKind

    from .models import Role, RoleAssignment

    from digigov.core.audit.actions import record, snapshot

    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, display_name="平台系统作业", kind=UserKind.SERVICE)
        user.set_unusable_password()
        user.save()
        record(user, "accounts.user.create", user, after=snapshot(user))
    if not RoleAssignment.objects.active().filter(user=user, role=Role.SYSTEM).exists():
        ra = RoleAssignment.objects.create(user=user, role=Role.SYSTEM)
        user.__dict__.pop("_digigov_grants", None)
        record(user, "rbac.assign", ra, after=snapshot(ra))
    return user
