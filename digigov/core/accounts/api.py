
import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core import validators
from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.org.models import Division
from digigov.core.rbac.checks import scope_queryset

from . import actions
from .models import LegalPerson, LegalPersonKind, NaturalPerson, User

router = Router(tags=["账户 accounts"])


class PersonOut(Schema):
    public_id: str
    name: str
    id_number: str = Field(description="脱敏显示，如 2102**********1234")
    gender: str
    birth_date: dt.date
    division_code: str


def person_out(p: NaturalPerson) -> dict:
    return {"public_id": p.public_id, "name": p.name, "id_number": p.id_number_masked, "gender": p.gender,
            "birth_date": p.birth_date, "division_code": p.division.code}


class PersonIn(StrictSchema):
    # identifiers are normalised by the action (full-width digits → ASCII); limits leave room for spaces
    id_number: str = Field(min_length=18, max_length=40, description="18位公民身份号码（GB 11643 校验）；全角数字按半角处理")
    name: str = Field(min_length=1, max_length=32)
    division_code: str = Field(min_length=1, max_length=40, description="12位区划代码")
    phone: str = Field("", max_length=24)
    address: str = Field("", max_length=200)


class RevealIn(StrictSchema):
    purpose: str = Field(min_length=2, max_length=100, description="查看事由（记入审计日志）")


class RevealOut(Schema):
    id_number: str
    phone: str
    address: str


class LegalPersonOut(Schema):
    public_id: str
    uscc: str
    name: str
    kind: str
    division_code: str


def legal_out(lp: LegalPerson) -> dict:
    return {"public_id": lp.public_id, "uscc": lp.uscc, "name": lp.name, "kind": lp.kind, "division_code": lp.division.code}


class LegalPersonIn(StrictSchema):
    uscc: str = Field(min_length=18, max_length=40, description="统一社会信用代码（GB 32100 校验）；全角字符按半角处理")
    name: str = Field(min_length=1, max_length=100)
    kind: LegalPersonKind = LegalPersonKind.ENTERPRISE
    division_code: str = Field(min_length=1, max_length=40, description="12位区划代码")
    address: str = Field("", max_length=200)


class AgentIn(StrictSchema):
    agent_username: str = Field(min_length=1, max_length=64)
    valid_from: dt.date
    valid_until: dt.date | None = None
    scope: str = Field("全部事项", max_length=200)


class AgentOut(Schema):
    public_id: str
    legal_person_id: str
    agent_username: str
    valid_from: dt.date
    valid_until: dt.date | None


def _division(code: str) -> Division:
    return get_or_404(Division.objects.all(), code=validators.clean_division_code(code, "division_code"))


@router.get("/persons", response=Page[PersonOut], summary="自然人列表（脱敏）")
@permission("accounts.person.view")
def list_persons(request, name: str = "", page: int = 1, page_size: int = 50):
    qs = scope_queryset(request.auth, "accounts.person.view", NaturalPerson.objects.active().select_related("division"), None, "division")
    if name:
        qs = qs.filter(name__startswith=name[:32])
    return paginate(qs.order_by("id"), page, page_size, person_out, count=False)


@router.post("/persons", response={201: PersonOut}, summary="登记自然人")
@permission("accounts.person.manage")
@errors(404)  # division_code names a division
def create_person(request, payload: PersonIn):
    person = actions.register_person(request.auth, id_number=payload.id_number, name=payload.name,
                                     division=_division(payload.division_code), phone=payload.phone, address=payload.address)
    return Status(201, person_out(person))


@router.get("/persons/{public_id}", response=PersonOut, summary="自然人详情（脱敏）")
@permission("accounts.person.view")
def get_person(request, public_id: str):
    qs = scope_queryset(request.auth, "accounts.person.view", NaturalPerson.objects.select_related("division"), None, "division")
    return person_out(get_or_404(qs, public_id=public_id))


@router.post("/persons/{public_id}/reveal", response=RevealOut, summary="查看个人信息明文（审计）")
@permission("accounts.pii.view")
@errors(without=(409,))  # a read (audited), nothing to conflict with
def reveal_person(request, public_id: str, payload: RevealIn):
    qs = scope_queryset(request.auth, "accounts.pii.view", NaturalPerson.objects.active(), None, "division")
    return actions.reveal_person(request.auth, get_or_404(qs, public_id=public_id), payload.purpose)


@router.get("/legal-persons", response=Page[LegalPersonOut], summary="法人列表")
@permission("accounts.person.view")
def list_legal_persons(request, name: str = "", page: int = 1, page_size: int = 50):
    qs = scope_queryset(request.auth, "accounts.person.view", LegalPerson.objects.active().select_related("division"), None, "division")
    if name:
        qs = qs.filter(name__contains=name[:50])
    return paginate(qs.order_by("id"), page, page_size, legal_out, count=False)


@router.post("/legal-persons", response={201: LegalPersonOut}, summary="登记法人")
@permission("accounts.person.manage")
@errors(404)  # division_code names a division
def create_legal_person(request, payload: LegalPersonIn):
    lp = actions.register_legal_person(request.auth, uscc=payload.uscc, name=payload.name, kind=payload.kind,
                                       division=_division(payload.division_code), address=payload.address)
    return Status(201, legal_out(lp))


@router.post("/legal-persons/{public_id}/agents", response={201: AgentOut}, summary="授权企业经办人")
@permission("accounts.agent.manage")
def authorize_agent(request, public_id: str, payload: AgentIn):
    lp = get_or_404(LegalPerson.objects.active().select_related("division"), public_id=public_id)
    agent = get_or_404(User.objects.filter(is_active=True), username=payload.agent_username)
    auth = actions.authorize_agent(request.auth, legal_person=lp, agent=agent, valid_from=payload.valid_from,
                                   valid_until=payload.valid_until, scope=payload.scope)
    return Status(201, {"public_id": auth.public_id, "legal_person_id": lp.public_id, "agent_username": agent.username,
                        "valid_from": auth.valid_from, "valid_until": auth.valid_until})
