"""智能推荐: which items and 一件事 a person (or the enterprise an agent acts for) probably needs next, each
with the reason shown in words the person recognises.

Inputs, all about the person asking (never anyone else):

* **profile** — age and gender from their resident ID number (the account's verified ``NaturalPerson``),
  marital status from the population registry (民政's value on their golden record);
* **life events** — a child of theirs born in the last 90 days (a registry record whose guardian is them,
  found by the sealed value's keyed digest, never by unsealing anyone else's record) → 新生儿出生; age 59 or
  more → 退休 (and 60 or more → 老年人优待); unmarried adults → 婚姻登记; a licence in their wallet expiring
  within 90 days → the item that renews it;
* **history** — items in the same topics as what they applied for, and "people who applied for X also
  applied for Y", counted over ``Application`` rows and shown only when at least ``K_ANONYMITY`` other
  applicants did both (so a recommendation never reveals what one identifiable person applied for; the
  reason names neither people nor counts);
* **enterprise** — for an agent acting for an enterprise: its stage from its founding date (开办 in the first
  six months, then 经营) and its licences.

Every rule is a small function returning ``Recommendation``s; ``recommend`` merges them (best reason per
item wins), drops what the person already has open, and orders by score. Life events are found through
topics (``Topic.code`` / ``Topic.name``) or the item's name, so the catalog's own wording decides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from .models import OPEN_APPLICATION_STATUSES, Application, ApplicationStatus, Audience, Bundle, ServiceItem

NEWBORN_DAYS = 90
EXPIRY_DAYS = 90
RETIREMENT_AGE = 59
ELDERLY_AGE = 60
STARTUP_DAYS = 183
K_ANONYMITY = 3
PER_RULE = 3

# life event → (topic codes, words in a topic's or an item's name)
EVENTS = {
    "birth": (("birth", "newborn", "chusheng"), ("新生儿出生", "出生")),
    "retire": (("retire", "retirement", "tuixiu"), ("退休",)),
    "elderly": (("elderly", "senior", "laonian"), ("老年人", "老年")),
    "marriage": (("marriage", "marry", "jiehun"), ("结婚", "婚姻登记")),
    "startup": (("startup", "open", "kaiban"), ("企业开办", "开办")),
    "operate": (("operate", "operation", "jingying"), ("经营",)),
}
RENEWAL_WORDS = ("延续", "换证", "换发", "续期", "续展", "有效期")


@dataclass(frozen=True)
class Recommendation:
    kind: str  # "item" | "bundle"
    code: str
    name: str
    url: str
    reason: str
    rule: str
    score: int

    @property
    def kind_label(self) -> str:
        return "一件事" if self.kind == "bundle" else "事项"


@dataclass
class Profile:
    user: object
    enterprise: object = None  # the LegalPerson the agent acts for, or None (the person themself)
    today: dt.date = field(default_factory=timezone.localdate)
    age: int | None = None
    sex: str = ""
    marital: str = ""
    newborns: list = field(default_factory=list)  # birth dates of their children born lately
    expiring: list = field(default_factory=list)  # (licence type id, type name, valid_until)
    applied: set = field(default_factory=set)  # item ids they applied for
    open_items: set = field(default_factory=set)  # item ids with an open application
    open_bundles: set = field(default_factory=set)

    @property
    def audiences(self) -> tuple[str, ...]:
        return (Audience.ENTERPRISE, Audience.BOTH) if self.enterprise is not None else (Audience.PERSON, Audience.BOTH)


def _from_id_number(id_number: str) -> tuple[dt.date | None, str]:
    """Birth date and sex (M/F) from an 18-digit resident ID number (GB 11643)."""
    if not id_number or len(id_number) != 18 or not id_number[:17].isdigit():
        return None, ""
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None, ""
    return born, "M" if int(id_number[16]) % 2 else "F"


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _registry_record(id_number: str):
    from digigov.core.pii import blind
    from digigov.data.registries.models import PersonRecord

    return PersonRecord.objects.filter(blind(PersonRecord, "id_number", id_number), status="active").only("pk", "attributes").first()


def _marital(record) -> str:
    if record is None:
        return ""
    value = (record.attributes or {}).get("marital")
    if value:
        return str(value)
    from digigov.data.registries.models import AttributeValue

    current = AttributeValue.objects.filter(person=record, attribute="marital", is_current=True).order_by("-observed_at").first()
    return str(current.value) if current is not None else ""


def _newborns(id_number: str, today: dt.date) -> list[dt.date]:
    """Birth dates of registry persons born in the last ``NEWBORN_DAYS`` whose guardian is ``id_number``: matched
    on the keyed digest of the sealed guardian value, so no one else's record is unsealed."""
    from digigov.core.pii import blind_digest
    from digigov.data.registries.models import AttributeValue

    digest = blind_digest("registries_attributevalue", "value", id_number)
    if digest is None:
        return []
    since = today - dt.timedelta(days=NEWBORN_DAYS)
    return sorted(set(AttributeValue.objects.filter(attribute="guardian_id_number", is_current=True, value_digest=digest.hex()[:16],
                                                    person__birth_date__gte=since, person__birth_date__lte=today)
                      .values_list("person__birth_date", flat=True)), reverse=True)


def _expiring(user, enterprise, today: dt.date) -> list[tuple[int, str, dt.date]]:
    from digigov.core.pii import blind
    from digigov.support.license.models import HolderKind, Licence, LicenceStatus

    if enterprise is not None:
        holder = Q(holder_kind=HolderKind.ENTERPRISE) & blind(Licence, "holder_code", enterprise.uscc)
    else:
        person = user.person if getattr(user, "person_id", None) else None
        if person is None or not person.id_number:
            return []
        holder = Q(holder_kind=HolderKind.PERSON) & blind(Licence, "holder_code", person.id_number)
    rows = (Licence.objects.filter(holder, status=LicenceStatus.VALID, valid_until__gte=today,
                                   valid_until__lte=today + dt.timedelta(days=EXPIRY_DAYS))
            .values_list("licence_type_id", "licence_type__name", "valid_until").order_by("valid_until"))
    return list(rows)


def profile_for(user, *, enterprise=None, today: dt.date | None = None) -> Profile:
    profile = Profile(user=user, enterprise=enterprise, today=today or timezone.localdate())
    person = user.person if getattr(user, "person_id", None) else None
    if enterprise is None and person is not None:
        id_number = person.id_number or ""
        born, sex = _from_id_number(id_number)
        born = born or person.birth_date
        profile.age = _age(born, profile.today) if born else None
        profile.sex = sex or person.gender or ""
        if id_number:
            profile.marital = _marital(_registry_record(id_number))
            profile.newborns = _newborns(id_number, profile.today)
    profile.expiring = _expiring(user, enterprise, profile.today)
    mine = Application.objects.filter(applicant=user).exclude(status=ApplicationStatus.DRAFT)
    mine = mine.filter(acting_for=enterprise) if enterprise is not None else mine.filter(acting_for__isnull=True)
    for item_id, bundle_id, status in mine.values_list("item_id", "bundle_id", "status"):
        if item_id:
            profile.applied.add(item_id)
        if status in OPEN_APPLICATION_STATUSES:
            if item_id:
                profile.open_items.add(item_id)
            if bundle_id:
                profile.open_bundles.add(bundle_id)
    return profile


# --- finding the catalog's entries for an event ---------------------------------------------------------------

def _event_q(event: str, topic_field: str, name_field: str = "name") -> Q:
    codes, words = EVENTS[event]
    q = Q(**{f"{topic_field}__code__in": codes}) | Q(**{f"{topic_field}__name__in": words})
    for w in words:
        q |= Q(**{f"{name_field}__contains": w})
    return q


def _bundles(profile: Profile, event: str):
    qs = Bundle.objects.active().filter(active=True, audience__in=profile.audiences).filter(_event_q(event, "topic")).distinct()
    return list(qs.order_by("-modelled", "-popularity", "pk")[:PER_RULE])


def _items(profile: Profile, event: str):
    qs = ServiceItem.objects.active().filter(active=True, audience__in=profile.audiences).filter(_event_q(event, "topics")).distinct()
    return list(qs.order_by("-popularity", "pk")[:PER_RULE])


def _item_rec(item, reason: str, rule: str, score: int) -> Recommendation:
    return Recommendation("item", item.code, item.name, f"/services/items/{item.code}/", reason, rule, score)


def _bundle_rec(bundle, reason: str, rule: str, score: int) -> Recommendation:
    return Recommendation("bundle", bundle.code, bundle.name, f"/services/bundles/{bundle.code}/", reason, rule, score)


def _event_recs(profile: Profile, event: str, reason: str, rule: str, score: int) -> list[Recommendation]:
    out = [_bundle_rec(b, reason.format(name=b.name), rule, score + 5) for b in _bundles(profile, event)]
    out += [_item_rec(i, reason.format(name=i.name), rule, score) for i in _items(profile, event)]
    return out


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- the rules ----------------------------------------------------------------------------------------------

def rule_newborn(profile: Profile) -> list[Recommendation]:
    if not profile.newborns:
        return []
    return _event_recs(profile, "birth", f"您的孩子于{_date(profile.newborns[0])}出生，可办理“{{name}}”", "newborn", 100)


def rule_licence_expiry(profile: Profile) -> list[Recommendation]:
    out = []
    for type_id, type_name, until in profile.expiring:
        renew = Q()
        for w in RENEWAL_WORDS:
            renew |= Q(name__contains=w)
        core = type_name.replace("电子", "")[:20]
        qs = (ServiceItem.objects.active().filter(active=True, audience__in=profile.audiences).filter(renew)
              .filter(Q(materials__licence_type_id=type_id) | Q(name__contains=core)).distinct().order_by("-popularity", "pk"))
        for item in qs[:PER_RULE]:
            out.append(_item_rec(item, f"您的{type_name}将于{_date(until)}到期，可办理“{item.name}”", "licence_expiry", 95))
    return out


def rule_retirement(profile: Profile) -> list[Recommendation]:
    if profile.age is None or profile.age < RETIREMENT_AGE:
        return []
    reached = "已到" if profile.age >= 60 else "即将到"
    return _event_recs(profile, "retire", f"您今年{profile.age}岁，{reached}退休年龄，可办理“{{name}}”", "retirement", 90)


def rule_elderly(profile: Profile) -> list[Recommendation]:
    if profile.age is None or profile.age < ELDERLY_AGE:
        return []
    return _event_recs(profile, "elderly", "您已年满60周岁，可办理“{name}”", "elderly", 60)


def rule_marriage(profile: Profile) -> list[Recommendation]:
    if profile.marital != "未婚" or profile.age is None or not (20 <= profile.age <= 45):
        return []
    return _event_recs(profile, "marriage", "根据您的年龄和婚姻状况，结婚时可办理“{name}”", "marriage", 40)


def rule_enterprise(profile: Profile) -> list[Recommendation]:
    enterprise = profile.enterprise
    if enterprise is None:
        return []
    founded = enterprise.established_on
    if founded is not None and (profile.today - founded).days <= STARTUP_DAYS:
        return _event_recs(profile, "startup", f"{enterprise.name}成立于{_date(founded)}，处于开办阶段，可办理“{{name}}”", "enterprise_stage", 70)
    return _event_recs(profile, "operate", f"{enterprise.name}处于经营阶段，常办事项：“{{name}}”", "enterprise_stage", 50)


def rule_same_topic(profile: Profile) -> list[Recommendation]:
    if not profile.applied:
        return []
    done = {i.pk: i for i in ServiceItem.objects.filter(pk__in=profile.applied).prefetch_related("topics")}
    out = []
    for item in done.values():
        topics = list(item.topics.all())
        if not topics:
            continue
        qs = (ServiceItem.objects.active().filter(active=True, audience__in=profile.audiences, topics__in=topics)
              .exclude(pk__in=profile.applied).distinct().order_by("-popularity", "pk"))
        for other in qs[:2]:
            out.append(_item_rec(other, f"您办理过“{item.name}”，同属“{topics[0].name}”主题的“{other.name}”可能也需要办理", "same_topic", 30))
    return out


def rule_also_applied(profile: Profile) -> list[Recommendation]:
    """Items that at least ``K_ANONYMITY`` other applicants of one of the person's items also applied for."""
    if not profile.applied:
        return []
    others = (Application.objects.filter(item_id__in=profile.applied).exclude(applicant=profile.user)
              .exclude(status=ApplicationStatus.DRAFT).values("applicant_id"))
    rows = (Application.objects.filter(applicant_id__in=others, item__isnull=False).exclude(status=ApplicationStatus.DRAFT)
            .exclude(item_id__in=profile.applied).values("item_id")
            .annotate(people=Count("applicant_id", distinct=True)).filter(people__gte=K_ANONYMITY).order_by("-people", "item_id")[:PER_RULE])
    counts = {r["item_id"]: r["people"] for r in rows}
    items = ServiceItem.objects.active().filter(active=True, pk__in=counts, audience__in=profile.audiences)
    names = list(ServiceItem.objects.filter(pk__in=profile.applied).values_list("name", flat=True)[:1])
    return [_item_rec(i, f"办理过“{names[0]}”的群众，很多也办理了“{i.name}”", "also_applied", 20 + min(counts[i.pk], 9)) for i in items]


RULES = (rule_newborn, rule_licence_expiry, rule_retirement, rule_elderly, rule_marriage, rule_enterprise, rule_same_topic, rule_also_applied)


def recommend(user, *, enterprise=None, limit: int = 8, today: dt.date | None = None) -> list[Recommendation]:
    """The person's (or, with ``enterprise``, the enterprise's) recommendations, best first, at most ``limit``."""
    profile = profile_for(user, enterprise=enterprise, today=today)
    open_codes = set()
    if profile.open_items:
        open_codes |= {("item", c) for c in ServiceItem.objects.filter(pk__in=profile.open_items).values_list("code", flat=True)}
    if profile.open_bundles:
        open_codes |= {("bundle", c) for c in Bundle.objects.filter(pk__in=profile.open_bundles).values_list("code", flat=True)}
    best: dict[tuple[str, str], Recommendation] = {}
    for rule in RULES:
        for rec in rule(profile):
            key = (rec.kind, rec.code)
            if key in open_codes:
                continue
            if key not in best or rec.score > best[key].score:
                best[key] = rec
    return sorted(best.values(), key=lambda r: (-r.score, r.kind != "bundle", r.name))[:limit]
