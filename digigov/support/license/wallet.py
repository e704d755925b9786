"""The holder's side of e-licences (持证人): which licences a signed-in user holds, their grants and use log.

One rule decides holding, for pages and API alike (``holder_q``):

* a citizen holds the person licences whose holder code is their own ID number — matched on the blind index
  (``digigov.core.pii.blind``), never by decrypting rows;
* a parent (监护人) also holds the person licences of their minor children: the registries' persons under 18
  whose current 监护人 (``guardian_id_number``) is the user — the 出生医学证明, 户口, 医保凭证 and 社保卡 a
  新生儿出生一件事 issues to the newborn reach the parent who applied (matched on the guardian value's keyed
  digest; a child's own number is read only to look up its licences);
* an enterprise agent holds the enterprise licences of every legal person they hold a *current*
  ``AgentAuthorization`` for (by USCC); an expired or voided authorisation holds nothing.

Superseded licences (replaced by a change or re-issue) stay out of the wallet; the new row is shown instead.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from digigov.core.errors import NotFound
from digigov.core.pii import blind
from digigov.core.rbac.checks import require

from .models import HolderKind, Licence, LicenceStatus, LicenceUse, UseGrant

NOTHING = Q(pk__in=[])


def holder_q(user) -> Q:
    """The condition "``Licence`` is held by ``user``" (cached on the user object for the request)."""
    cached = getattr(user, "_licence_holder_q", None)
    if cached is not None:
        return cached
    from digigov.core.accounts.actions import acting_for

    q = NOTHING
    person = user.person if getattr(user, "person_id", None) else None
    if person is not None and person.id_number:
        q = q | (Q(holder_kind=HolderKind.PERSON) & blind(Licence, "holder_code", [person.id_number, *minor_wards(person.id_number)]))
    usccs = [lp.uscc for lp in acting_for(user)]
    if usccs:
        q = q | (Q(holder_kind=HolderKind.ENTERPRISE) & blind(Licence, "holder_code", usccs))
    user._licence_holder_q = q
    return q


def minor_wards(id_number: str, today=None) -> list[str]:
    """ID numbers of the registry persons under 18 whose current 监护人 is ``id_number``."""
    from digigov.data.registries.selectors import guarded_by

    if not id_number:
        return []
    today = today or timezone.localdate()
    adult = today.replace(year=today.year - 18) if not (today.month == 2 and today.day == 29) else today.replace(year=today.year - 18, day=28)
    return [p.id_number for p in guarded_by(id_number).filter(birth_date__gt=adult).only("pk", "id_number") if p.id_number]


def holder_licences(user) -> QuerySet:
    """The user's wallet: licences they hold (not superseded), newest first. Checks ``license.hold``."""
    require(user, "license.hold")
    return (Licence.objects.filter(holder_q(user)).exclude(status=LicenceStatus.SUPERSEDED)
            .select_related("licence_type", "issuer").order_by("-issued_on", "-id"))


def holder_licence(user, public_id: str) -> Licence:
    licence = holder_licences(user).filter(public_id=public_id).first()
    if licence is None:
        raise NotFound("证照不存在或不是您持有的证照", code="not_found")
    return licence


def holds(user, licence: Licence) -> bool:
    return Licence.objects.filter(holder_q(user), pk=licence.pk).exists()


def holder_uses(user, licence: Licence | None = None) -> QuerySet:
    """用证记录 of the user's licences (one licence, or all), newest first."""
    qs = LicenceUse.objects.filter(licence__in=holder_licences(user).values("pk")) if licence is None else licence.uses.all()
    return qs.select_related("licence__licence_type", "department", "process", "grant").order_by("-at", "-id")


def holder_grants(user, licence: Licence | None = None) -> QuerySet:
    qs = UseGrant.objects.filter(licence__in=holder_licences(user).values("pk")) if licence is None else licence.grants.all()
    return qs.select_related("licence__licence_type", "department", "process", "hall").order_by("-created_at", "-id")


def holder_grant(user, public_id: str) -> UseGrant:
    grant = holder_grants(user).filter(public_id=public_id).first()
    if grant is None:
        raise NotFound("授权不存在", code="not_found")
    return grant


def holder_users(licence: Licence) -> list:
    """Accounts to notify about a use of ``licence``: the person's own account(s), or the enterprise's
    current agents."""
    from digigov.core.accounts.models import AgentAuthorization, LegalPerson, NaturalPerson, User

    if licence.holder_kind == HolderKind.PERSON:
        people = NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", licence.holder_code))
        return list(User.objects.filter(person__in=people, is_active=True))
    today = timezone.localdate()
    lp = LegalPerson.objects.filter(uscc=licence.holder_code).first()
    if lp is None:
        return []
    return [a.agent for a in AgentAuthorization.objects.active().filter(legal_person=lp).select_related("agent")
            if a.is_current(today) and a.agent.is_active]


# --- what pages show -------------------------------------------------------------------------------

def mask_number(number: str) -> str:
    """证照编号 partly hidden on the list (``JY22106020012345`` → ``JY22****2345``); the detail shows it whole."""
    n = len(number or "")
    if n <= 6:
        return number[:1] + "*" * (n - 1) if n else ""
    keep = 4 if n >= 12 else 2
    return number[:keep] + "*" * (n - 2 * keep) + number[-keep:]


def effective_status(licence: Licence, today=None) -> tuple[str, str]:
    """(status code, Chinese label): a licence past its validity reads 已过期 even before the nightly job marks it."""
    today = today or timezone.localdate()
    if licence.status == LicenceStatus.VALID and licence.valid_until and licence.valid_until < today:
        return LicenceStatus.EXPIRED, LicenceStatus.EXPIRED.label
    return licence.status, licence.get_status_display()


def is_usable(licence: Licence, today=None) -> bool:
    return effective_status(licence, today)[0] == LicenceStatus.VALID
