"""网上申请 (online applications, 全程网办) and 全市通办 at the window: every write of the application flow.

* ``start_application`` — a draft for an item or a 一件事, the form pre-filled from the registries and the
  applicant's e-licences (``forms.prefill``; the source of each value kept in ``Application.prefilled``).
* ``save_draft`` — answers and the chosen division saved (required-field errors tolerated in a draft).
* ``add_material`` / ``remove_material`` — an upload checked by ``workflow.materials`` (type sniffed from
  content, size and page limits), stored outside the web root under ``materials/app-<public id>/``.
* ``submit`` — ONE transaction: the form validated, every material resolved (upload, the applicant's
  e-licence, shared data, else refused), the number, one ``workflow`` case per member item (a bundle's
  members in parallel, each in its own department), the ``ApplicationCase`` rows, the materials attached
  to each case, the fee order. Idempotent: the same key answers the same application; a second submit of
  a submitted application is refused (409) — a double click makes one application and one case per item.
  A crash anywhere inside leaves the draft as it was (files written for the cases are removed again).
* ``withdraw`` — a draft is discarded; a submitted application's open cases are withdrawn.
* ``receive_at_window`` — 全市通办 / 就近办: a window clerk in any division receives a ``citywide`` item
  (other items only where they are offered); the case goes to the item's competent department while
  ``Application.division`` records where it was received.
* ``refresh_status`` — the application's status from its cases (called by the workflow signal receivers and
  the payment receiver in ``receivers.py``); sends ``signals.application_finished`` once.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.models import new_public_id
from digigov.core.rbac.checks import require

from .. import fees, prefill as shared
from .. import requirements as req
from ..models import AppMaterialSource, Application, ApplicationCase, ApplicationMaterial, ApplicationStatus, Audience, Bundle, ServiceItem

MAX_FILES = 30
CHANNELS = ("online", "mobile")
FINISHED = (ApplicationStatus.DONE, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)


# --- checks shared by the actions -----------------------------------------------------------------------

def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("item", "bundle", "division", "acting_for", "applicant_person").get(
        pk=application.pk)


def _own(actor, application: Application) -> None:
    """Only the applicant's account touches an online application (a clerk's window one is theirs)."""
    if application.channel == "window":
        if application.received_by_id != actor.pk:
            raise NotFound("申请不存在", code="not_found")
        return
    if application.applicant_id != actor.pk:
        raise NotFound("申请不存在", code="not_found")


def _draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict("申请已提交，不能再修改", code="not_draft")


def offered_in(item: ServiceItem, division) -> bool:
    """Whether ``item`` is handled in ``division`` (no divisions listed: everywhere; a listed division
    covers its subtree). A ``citywide`` item (全市通办) is received in every division whatever its list."""
    divisions = list(item.divisions.all())
    if not divisions:
        return True
    if division is None:
        return False
    return any(division.code.startswith(d.prefix) for d in divisions)


def items_of(application: Application) -> list[ServiceItem]:
    if application.item_id:
        return [application.item]
    chosen = (application.data or {}).get("_members") if isinstance(application.data, dict) else None
    items = req.bundle_items(application.bundle)
    if isinstance(chosen, list) and chosen:
        items = [i for i in items if i.code in chosen]
    return items


def requirements_of(application: Application) -> req.Requirements:
    if application.item_id:
        return req.for_item(application.item)
    return req.for_bundle(application.bundle, items_of(application))


def _check_items(items, *, channel: str) -> None:
    for item in items:
        if not item.active or item.voided_at is not None:
            raise ValidationFailed(f"事项“{item.name}”已停止办理", code="item_inactive", detail={"field": "item"})
        if item.process_id is None:
            raise ValidationFailed(f"事项“{item.name}”暂未开通网上办理，请到窗口办理", code="item_not_online", detail={"field": "item"})
        if channel != "window" and item.online_depth < 3:
            raise ValidationFailed(f"事项“{item.name}”暂未开通网上受理，请到窗口办理", code="item_not_online", detail={"field": "item"})


def _check_division(items, division) -> None:
    for item in items:
        if not item.citywide and not offered_in(item, division):
            where = "、".join(d.name for d in item.divisions.all()[:5])
            raise ValidationFailed(f"事项“{item.name}”不在所选区划办理（办理区划：{where}）", code="item_not_offered",
                                   detail={"field": "division"})


def _acting_for(actor, legal_person):
    """An enterprise the actor may act for today (a current ``AgentAuthorization``, or its legal representative)."""
    if legal_person is None:
        return None
    from digigov.core.accounts.actions import acting_for

    if legal_person.pk in {lp.pk for lp in acting_for(actor)}:
        return legal_person
    if getattr(actor, "person_id", None) and legal_person.legal_representative_id == actor.person_id:
        return legal_person
    raise Forbidden("您没有该企业的有效授权，不能代其办理", code="not_authorised_agent", detail={"field": "acting_for"})


def _division(value):
    from digigov.core.org.models import Division

    if value is None or value == "":
        return None
    if isinstance(value, Division):
        return value
    division = Division.objects.filter(code=str(value)[:12]).first() if isinstance(value, str) else None
    if division is None:
        raise ValidationFailed("所选区划不存在", code="invalid_division", detail={"field": "division"})
    return division


def _clean_data(form, data, *, draft: bool) -> dict:
    from digigov.support.forms.actions import check_submission

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("申请数据格式不正确", code="invalid_data", detail={"field": "data"})
    clean, errors = check_submission(form, data, draft=draft)
    if errors:
        raise ValidationFailed("申请表填写有误，请按提示修改", code="form_invalid", detail={"fields": errors})
    return clean


# --- drafts -------------------------------------------------------------------------------------------

@transaction.atomic
def start_application(actor, *, item: ServiceItem | None = None, bundle: Bundle | None = None, members=None, division=None,
                      acting_for=None, channel: str = "online") -> Application:
    """A draft, pre-filled. ``members`` (a bundle's item codes) narrows a bundle to the ticked members."""
    require(actor, "workflow.apply")
    if (item is None) == (bundle is None):
        raise ValidationFailed("请选择一个事项或一件事", code="item_required", detail={"field": "item"})
    if channel not in CHANNELS:
        raise ValidationFailed("申请渠道无效", code="invalid_channel", detail={"field": "channel"})
    if bundle is not None:
        if not bundle.active or bundle.voided_at is not None or not bundle.modelled:
            raise ValidationFailed("该一件事暂未开通网上办理", code="bundle_not_online", detail={"field": "bundle"})
        items = req.bundle_items(bundle)
        if members is not None:
            if not isinstance(members, (list, tuple)) or any(not isinstance(m, str) for m in members):
                raise ValidationFailed("所选事项无效", code="invalid_members", detail={"field": "members"})
            optional = {m.item.code for m in bundle.memberships.select_related("item") if m.optional}
            chosen = set(members) | ({i.code for i in items} - optional)
            items = [i for i in items if i.code in chosen]
        if not items:
            raise ValidationFailed("该一件事没有可办理的事项", code="bundle_empty", detail={"field": "bundle"})
        audience, title = bundle.audience, bundle.name
    else:
        items, audience, title = [item], item.audience, item.name
    _check_items(items, channel=channel)
    legal = _acting_for(actor, acting_for)
    if audience == Audience.ENTERPRISE and legal is None:
        raise ValidationFailed("法人事项须选择代为办理的企业", code="enterprise_required", detail={"field": "acting_for"})
    division = _division(division)
    if division is not None:
        _check_division(items, division)
    requirements = req.for_bundle(bundle, items) if bundle is not None else req.for_item(item)
    data, prefilled = _prefill(actor, requirements.form, legal)
    if bundle is not None and members is not None:
        data["_members"] = [i.code for i in items]
    person = getattr(actor, "person", None)
    app = Application.objects.create(
        item=item, bundle=bundle, title=title[:200], status=ApplicationStatus.DRAFT, channel=channel, applicant=actor,
        applicant_person=person, acting_for=legal, applicant_name=(legal.name if legal else (person.name if person else actor.display_name))[:100],
        division=division, data=data, prefilled=prefilled)
    record(actor, "onestop.application.draft", app, after={"title": app.title, "prefilled": len(prefilled),
                                                            "acting_for": legal.name if legal else ""})
    return app


def _prefill(actor, form, legal) -> tuple[dict, dict]:
    """Values from the registries / e-licences / the applicant's profile, and ``{path: 来源}``."""
    from digigov.core.errors import DigiGovError
    from digigov.support.forms.prefill import prefill

    try:
        data, provenance = prefill(form, actor=actor, person=getattr(actor, "person", None), legal_person=legal,
                                   purpose="一网通办：网上申请免填")
    except DigiGovError:
        return {}, {}
    labels = {path: _source_name(p.get("label", "")) for path, p in provenance.items()}
    return data, labels


def _source_name(label: str) -> str:
    """``来自 公安局·人口基础库`` → ``公安局·人口基础库`` (the page prints ``来源：…``)."""
    label = (label or "").strip()
    return label[3:] if label.startswith("来自 ") else (label or "实名认证资料")


@transaction.atomic
def save_draft(actor, application: Application, *, data=None, division=...) -> Application:
    application = _lock(application)
    _own(actor, application)
    require(actor, "workflow.apply")
    _draft(application)
    requirements = requirements_of(application)
    changed = []
    if data is not None:
        if isinstance(data, dict):  # the ticked members are the application's, not an answer of the form
            data = {k: v for k, v in data.items() if k != "_members"}
        clean = _clean_data(requirements.form, data, draft=True)
        members = (application.data or {}).get("_members")
        if members:
            clean["_members"] = members
        application.data = clean
        changed.append("data")
    if division is not ...:
        division = _division(division)
        if division is not None:
            _check_division(requirements.items, division)
        application.division = division
        changed.append("division")
    application.save(update_fields=["data", "division", "updated_at"])
    record(actor, "onestop.application.draft", application, after={"title": application.title, "changed": changed})
    return application


def add_material(actor, application: Application, *, key: str, data, filename: str = "") -> ApplicationMaterial:
    """Upload a file for the material ``key`` (a ``MaterialNeed.key``) of a draft. The file is written
    before the row and removed again if the row is not written."""
    from digigov.support.workflow import materials as files

    path = None
    try:
        with transaction.atomic():
            application = _lock(application)
            _own(actor, application)
            require(actor, "workflow.apply")
            _draft(application)
            need = requirements_of(application).material(key) if isinstance(key, str) else None
            if need is None:
                raise ValidationFailed("请选择要上传的材料", code="invalid_material", detail={"field": "material"})
            if application.materials.count() >= MAX_FILES:
                raise ValidationFailed(f"一次申请最多上传 {MAX_FILES} 个文件", code="too_many_files", detail={"field": "file"})
            checked = files.check(data)
            material = ApplicationMaterial(
                application=application, item_material_id=need.item_material_ids[0], name=need.name, source=AppMaterialSource.UPLOAD,
                reference=(filename or "")[:200], content_type=checked.content_type, size=checked.size, pages=checked.pages,
                sha256=checked.sha256, public_id=new_public_id())
            path = files.path_for(f"app-{application.public_id}", material.public_id, checked.extension)
            files.store(path, bytes(data))
            material.storage_path = files.relative(path)
            material.save()
            record(actor, "onestop.material.add", material, after={"application": application.title, "name": need.name,
                                                                    "type": checked.content_type, "size": checked.size,
                                                                    "pages": checked.pages, "sha256": checked.sha256})
            return material
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise


@transaction.atomic
def remove_material(actor, application: Application, material: ApplicationMaterial) -> None:
    application = _lock(application)
    _own(actor, application)
    require(actor, "workflow.apply")
    _draft(application)
    if material.application_id != application.pk or material.source != AppMaterialSource.UPLOAD:
        raise NotFound("材料不存在", code="not_found")
    record(actor, "onestop.material.remove", material, before={"name": material.name, "sha256": material.sha256})
    path = material.storage_path
    material.delete()
    if path:
        from digigov.support.workflow import materials as files

        transaction.on_commit(lambda: (files.root() / path).unlink(missing_ok=True))


# --- materials at submission ---------------------------------------------------------------------------

def holder_code(application: Application) -> str:
    if application.acting_for_id:
        return application.acting_for.uscc
    person = application.applicant_person
    return person.id_number if person is not None else ""


def find_licence(application: Application, licence_code: str):
    """The applicant's newest valid e-licence of ``licence_code`` in the licence index, or None."""
    from digigov.core.pii import blind
    from digigov.data.registries.models import LicenceIndex, LicenceStatus

    code = holder_code(application)
    if not code or not licence_code:
        return None
    today = timezone.localdate()
    qs = (LicenceIndex.objects.filter(blind(LicenceIndex, "holder_code", code), licence_type=licence_code, status=LicenceStatus.VALID)
          .exclude(valid_until__lt=today).select_related("issuer").order_by("-issued_on", "-pk"))
    return qs.first()


def resolve_materials(application: Application, requirements: req.Requirements, *, uploads=None) -> list[dict]:
    """For each material need: how it is given — ``upload`` (the applicant's files), ``licence`` (an
    e-licence of the applicant), ``shared`` (shared data found), or ``missing``. Shown on the page before
    submission (免提交 with the source) and enforced by ``submit``."""
    if uploads is None:
        uploads = list(application.materials.filter(source=AppMaterialSource.UPLOAD).order_by("id"))
    out = []
    for need in requirements.materials:
        files = [u for u in uploads if u.item_material_id in need.item_material_ids]
        row = {"need": need, "how": "missing", "files": files, "licence": None, "facts": None, "source": ""}
        if files:
            row["how"] = "upload"
        elif need.licence_code and (lic := find_licence(application, need.licence_code)) is not None:
            row.update(how="licence", licence=lic, source=f"电子证照：{lic.licence_name}")
        elif need.shared_source and (facts := shared.read(need.shared_source, person=application.applicant_person,
                                                           legal_person=application.acting_for)):
            row.update(how="shared", facts=facts, source=f"共享数据：{need.shared_label}")
        out.append(row)
    return out


# --- submission ----------------------------------------------------------------------------------------

def new_number() -> str:
    """申请编号: YW + date + 10 random digits (not guessable: the progress page answers by number)."""
    return f"YW{timezone.localdate():%Y%m%d}{secrets.randbelow(10**10):010d}"


def submit(actor, application: Application, idempotency_key: str = "") -> Application:
    """See the module docstring. Files copied to the cases are removed again if anything fails."""
    cleanup: list = []
    try:
        return _submit(actor, application, idempotency_key, cleanup)
    except BaseException:
        for path in cleanup:
            path.unlink(missing_ok=True)
        raise


def _active_version(item: ServiceItem):
    from digigov.support.workflow.models import ProcessVersion, VersionStatus

    version = ProcessVersion.objects.filter(process_id=item.process_id, status=VersionStatus.ACTIVE).select_related("process").order_by("-version").first()
    if version is None:
        raise ValidationFailed(f"事项“{item.name}”的办理流程未生效，暂不能申请", code="process_not_active", detail={"field": "item"})
    return version


@transaction.atomic
def _submit(actor, application: Application, idempotency_key, cleanup: list) -> Application:
    from digigov.support.workflow.idempotency import once

    application = _lock(application)
    _own(actor, application)
    with once(actor, "onestop.application_submit", idempotency_key) as slot:
        if slot.done:
            if slot.target != application.public_id:
                raise Conflict("该幂等键已用于另一份申请", code="idempotency_key_reused")
            return application
        _draft(application)
        channel = application.channel
        if channel != "window":
            require(actor, "workflow.apply")
        if application.acting_for_id and channel != "window":
            _acting_for(actor, application.acting_for)  # the authorisation must still be current
        requirements = requirements_of(application)
        items = requirements.items
        _check_items(items, channel=channel)
        _check_division(items, application.division)
        clean = _clean_data(requirements.form, {k: v for k, v in (application.data or {}).items() if k != "_members"}, draft=False)
        resolved = resolve_materials(application, requirements)
        missing = [r["need"].name for r in resolved if r["how"] == "missing" and r["need"].required]
        if missing:
            raise ValidationFailed("请上传以下材料：" + "、".join(missing), code="materials_missing", detail={"materials": missing})
        versions = {item.pk: _active_version(item) for item in items}

        application.number = new_number()
        application.submitted_at = timezone.now()
        cases = {}
        for item in items:
            cases[item.pk] = _start_case(actor, application, item, versions[item.pk], clean)
            ApplicationCase.objects.create(application=application, item=item, case=cases[item.pk])
        _attach(actor, application, resolved, cases, cleanup)
        amount = fees.amount_cents(items)
        order = (fees.order_for(actor, application, amount=amount, department=fees.collecting_department(items), payer=application.applicant)
                 if amount else None)
        application.status = ApplicationStatus.AWAITING_PAYMENT if order is not None and order.status == "unpaid" else ApplicationStatus.IN_PROGRESS
        application.data = {**clean, **({"_members": application.data["_members"]} if "_members" in (application.data or {}) else {})}
        application.save(update_fields=["number", "submitted_at", "status", "data", "updated_at"])
        record(actor, "onestop.application.submit", application, after={
            "number": application.number, "title": application.title, "cases": [c.number for c in cases.values()],
            "channel": application.get_channel_display(), "division": str(application.division or ""),
            "materials": {r["need"].name: r["how"] for r in resolved}, "fee_cents": amount})
        slot.remember(application.public_id, {"number": application.number})
    return application


def _start_case(actor, application: Application, item: ServiceItem, version, data: dict):
    from digigov.support.workflow.actions.cases import start_case

    return start_case(actor, version, channel=application.channel, title=item.name, department=item.department,
                      division=application.division, data=dict(data), applicant=application.applicant,
                      applicant_person=application.applicant_person, applicant_legal_person=application.acting_for,
                      statutory_days=item.statutory_days, promised_days=item.promised_days)


def _attach(actor, application: Application, resolved: list[dict], cases: dict, cleanup: list) -> None:
    """Each material to every member case that asks for it; licence / shared replacements recorded."""
    from digigov.support.workflow import materials as files
    from digigov.support.workflow import runtime
    from digigov.support.workflow.actions import materials as case_materials
    from digigov.support.workflow.models import CaseMaterial, MaterialSource

    for row in resolved:
        need = row["need"]
        targets = [cases[i] for i in need.item_ids if i in cases]
        if row["how"] == "upload":
            for f in row["files"]:
                content = files.read(f.storage_path)
                for case in targets:
                    case_materials.add_file(actor, case, name=need.name, data=content,
                                            source=MaterialSource.SCAN if application.channel == "window" else MaterialSource.UPLOAD,
                                            cleanup=cleanup)
        elif row["how"] == "licence":
            lic = row["licence"]
            for case in targets:
                case_materials.add_licence(actor, case, lic, name=need.name)
            ApplicationMaterial.objects.create(application=application, item_material_id=need.item_material_ids[0], name=need.name,
                                               source=AppMaterialSource.LICENCE, reference=f"{lic.licence_name} {lic.licence_no}"[:200])
        elif row["how"] == "shared":
            label = need.shared_label
            for case in targets:
                m = CaseMaterial.objects.create(case=case, name=need.name, source=MaterialSource.SHARED, reference=label[:200], added_by=actor)
                runtime.record_event(case, actor, "material_added", f"以共享数据替代材料：{need.name}（{label}）", public=True)
                record(actor, "onestop.material.shared", m, after={"case": case.number, "name": need.name, "source": label})
            ApplicationMaterial.objects.create(application=application, item_material_id=need.item_material_ids[0], name=need.name,
                                               source=AppMaterialSource.SHARED, reference=label[:200])


# --- 全市通办 at the window -------------------------------------------------------------------------------

def receive_at_window(actor, hall, *, item: ServiceItem, person=None, legal_person=None, data=None, files=(),
                      idempotency_key: str = "") -> Application:
    """全市通办 / 就近办: the clerk of ``hall`` receives ``item`` for ``person`` / ``legal_person``.
    A ``citywide`` item is received in any division; others only where they are offered. The case is
    routed to the item's department; ``Application.division`` is the hall's division. ``files`` are
    ``(material key, bytes)`` pairs scanned at the window; replaceable materials are resolved as online."""
    cleanup: list = []
    try:
        return _receive(actor, hall, item=item, person=person, legal_person=legal_person, data=data, files=files,
                        idempotency_key=idempotency_key, cleanup=cleanup)
    except BaseException:
        for path in cleanup:
            path.unlink(missing_ok=True)
        raise


@transaction.atomic
def _receive(actor, hall, *, item, person, legal_person, data, files, idempotency_key, cleanup) -> Application:
    from digigov.support.workflow import materials as wfiles
    from digigov.support.workflow.idempotency import clean_key
    from digigov.support.workflow.models import IdempotentRequest

    if hall is None or hall.voided_at is not None:
        raise ValidationFailed("该大厅已停用", code="hall_closed", detail={"field": "hall"})
    require(actor, "window.receive", hall)
    key = clean_key(idempotency_key)
    if key:
        prev = IdempotentRequest.objects.filter(actor=actor, scope="onestop.application_submit", key=key).first()
        if prev is not None:
            app = Application.objects.filter(public_id=prev.target).first()
            if app is not None:
                return app
    if item is None:
        raise ValidationFailed("请选择办理事项", code="item_required", detail={"field": "item"})
    if person is None and legal_person is None:
        raise ValidationFailed("窗口代办须先确认申请人（自然人或法人）", code="applicant_required", detail={"field": "applicant"})
    _check_items([item], channel="window")
    if not item.citywide and not offered_in(item, hall.division):
        raise ValidationFailed(f"事项“{item.name}”不是全市通办事项，不在本区划受理", code="item_not_offered", detail={"field": "item"})
    if data is not None and not isinstance(data, dict):
        raise ValidationFailed("申请数据格式不正确", code="invalid_data", detail={"field": "data"})
    from digigov.core.accounts.models import User

    account = User.objects.filter(person=person, is_active=True).first() if person is not None else None
    app = Application.objects.create(
        item=item, title=item.name[:200], status=ApplicationStatus.DRAFT, channel="window", applicant=account, applicant_person=person,
        acting_for=legal_person, applicant_name=(legal_person.name if legal_person else person.name)[:100], division=hall.division,
        received_by=actor, data=data if isinstance(data, dict) else {}, prefilled={})
    requirements = req.for_item(item)
    for n, (mkey, content) in enumerate(list(files or [])[:MAX_FILES]):
        need = requirements.material(mkey)
        if need is None:
            raise ValidationFailed("材料无效", code="invalid_material", detail={"field": f"files.{n}"})
        checked = wfiles.check(content)
        m = ApplicationMaterial(application=app, item_material_id=need.item_material_ids[0], name=need.name, source=AppMaterialSource.UPLOAD,
                                content_type=checked.content_type, size=checked.size, pages=checked.pages, sha256=checked.sha256,
                                public_id=new_public_id())
        path = wfiles.path_for(f"app-{app.public_id}", m.public_id, checked.extension)
        wfiles.store(path, bytes(content))
        cleanup.append(path)
        m.storage_path = wfiles.relative(path)
        m.save()
    app = _submit(actor, app, key, cleanup)
    record(actor, "onestop.application.window", app, after={"number": app.number, "hall": hall.name, "division": hall.division.name,
                                                             "department": str(item.department), "citywide": item.citywide})
    return app


# --- withdrawal and status ---------------------------------------------------------------------------------

@transaction.atomic
def withdraw(actor, application: Application, *, reason: str = "") -> Application:
    from digigov.core.text import clean_text
    from digigov.support.workflow.actions.cases import withdraw_case
    from digigov.support.workflow.models import OPEN_CASE_STATUSES

    application = _lock(application)
    _own(actor, application)
    require(actor, "workflow.apply")
    reason = clean_text(reason or "", max_length=200, field="reason", label="撤回原因", required=False)
    if application.status in FINISHED:
        raise Conflict("申请已办结或已撤回，不能撤回", code="application_finished")
    before = {"status": application.get_status_display()}
    if application.status == ApplicationStatus.DRAFT:
        application.status = ApplicationStatus.WITHDRAWN
        application.finished_at = timezone.now()
        application.save(update_fields=["status", "finished_at", "updated_at"])
    else:
        for link in application.cases.select_related("case"):
            if link.case.status in OPEN_CASE_STATUSES:
                withdraw_case(actor, link.case, reason=reason)  # case_finished → refresh_status
        application.refresh_from_db()
        refresh_status(application, actor)
    record(actor, "onestop.application.withdraw", application, before=before, after={"status": application.get_status_display(), "reason": reason})
    return application


def refresh_status(application: Application, actor) -> Application:
    """The application's status from its cases (inside the caller's transaction). Finished once: then
    ``signals.application_finished`` is sent and the applicant notified."""
    from digigov.support.workflow.models import CaseStatus

    if application.status == ApplicationStatus.DRAFT or application.status in FINISHED:
        return application
    statuses = list(application.cases.values_list("case__status", flat=True))
    if not statuses:
        return application
    open_ = [s for s in statuses if s in (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED, CaseStatus.INCIDENT)]
    if CaseStatus.CORRECTION in statuses:
        new = ApplicationStatus.CORRECTION
    elif open_:
        new = ApplicationStatus.AWAITING_PAYMENT if fees.unpaid_orders(application) else ApplicationStatus.IN_PROGRESS
    elif all(s == CaseStatus.WITHDRAWN for s in statuses):
        new = ApplicationStatus.WITHDRAWN
    elif any(s == CaseStatus.APPROVED for s in statuses):
        new = ApplicationStatus.DONE  # a 一件事 with one member refused still delivers the others (shown per member)
    else:
        new = ApplicationStatus.REJECTED
    if new == application.status:
        return application
    finished = new in FINISHED
    updated = Application.objects.filter(pk=application.pk, status=application.status).update(
        status=new, finished_at=timezone.now() if finished else None, updated_at=timezone.now())
    if not updated:
        return application
    old = application.status
    application.status = new
    application.finished_at = timezone.now() if finished else None
    if finished:
        from .. import signals

        signals.application_finished.send(sender=Application, application=application, actor=actor)
        _notify_finished(application, old)
    return application


def _notify_finished(application: Application, old: str) -> None:
    if application.applicant_id is None:
        return
    from digigov.core.notify.inbox import notify

    label = ApplicationStatus(application.status).label
    notify(application.applicant, "onestop.application", f"您的申请“{application.title}”{label}",
           f"申请编号 {application.number}。欢迎在申请详情页对本次服务进行评价（好差评）。", f"/my/applications/{application.public_id}/")
