"""The eight modelled 一件事: each member process file imports through the platform's importer (XSD,
components, roles, departments) with diagram interchange for every element, and each member runs end to end
through the workflow actions (受理, claim, approve) and issues its licence; a rejected review ends the case
without one."""

import pytest
from django.utils import timezone
from lxml import etree

from digigov.core.testing import resident_id
from digigov.services.onestop.actions.bundles import install_modelled_bundle
from digigov.services.onestop.bundles import leaves
from digigov.services.onestop.bundles_data import MODELLED, process_keys
from digigov.services.onestop.models import Bundle, ServiceItem
from digigov.services.onestop.processes import HERE
from digigov.services.onestop.testing_bundles import bundle_world, citizen, enterprise_agent, run_case
from digigov.support.license.models import Licence, LicenceStatus
from digigov.support.workflow import engine
from digigov.support.workflow.actions.cases import start_case
from digigov.support.workflow.models import CaseStatus, ProcessVersion, VersionStatus

pytestmark = pytest.mark.django_db

DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"

# what each modelled bundle's application carries (the combined form's answers)
BABY_ID = resident_id("210602", "20261101")
DATA = {
    "applicant_name": "王小明", "applicant_phone": "13800000000", "applicant_address": "示范市元宝区兴业街1号",
    "baby_name": "王小宝", "baby_sex": "男", "baby_birth_date": "2026-11-01", "baby_id_number": BABY_ID, "birth_place": "示范市妇幼保健院",
    "mother_name": "李丽", "father_name": "王小明", "household_no": "210602012345", "household_address": "示范市元宝区兴业街1号",
    "baby_relation": "子", "card_bank": "中国工商银行",
    "enterprise_name": "示范市新起点科技有限公司", "company_kind": "有限责任公司", "legal_rep_name": "王小明", "registered_capital": "100",
    "address": "示范市元宝区振兴路88号", "business_scope": "软件开发；信息技术咨询服务", "seal_kinds": ["公章", "财务专用章"],
    "seal_maker": "示范市诚信刻章有限公司", "staff_count": 5, "insurance_bank": "中国银行", "deposit_ratio": "12%",
    "employer": "示范市机床厂", "retire_date": "2026-12-01", "work_years": 35, "bank": "中国建设银行", "bank_account": "6217000000000001",
    "medical_years": 30, "contract_no": "ESF2026-0001", "price": 120, "seller_name": "张卖方", "seller_id_number": resident_id("210602", "19700101"),
    "property_location": "示范市元宝区锦江街5号2单元301室", "unit_no": "210602001001GB00001F00010001", "floor_area": 89.5,
    "property_use": "住宅", "co_owned": "单独所有", "withdraw_amount": 50000, "utilities": ["供水", "燃气"],
    "legal_representative": "赵经理", "contact_name": "赵经理", "contact_phone": "13900000000", "premises": "示范市元宝区滨江路12号",
    "area": 120, "business_type": "餐饮服务经营者", "food_items": ["热食类食品制售", "冷食类食品制售"], "seats": 60,
    "sign_text": "好味道", "sign_size": "6×1.2", "daily_discharge": 8,
    "deceased_name": "王老汉", "deceased_id_number": resident_id("210602", "19400101"), "death_date": "2026-11-20",
    "relation_to_deceased": "子女", "funeral_home": "示范市殡仪馆",
    "child_name": "王小学", "child_id_number": resident_id("210602", "20200601"), "child_birth_date": "2020-06-01", "grade": "小学一年级",
    "residence_address": "示范市元宝区兴业街1号", "last_employer": "示范市机床厂", "separation_date": "2026-10-31",
    "separation_reason": "劳动合同期满", "training_course": "电工", "contribution_level": "500",
    "business_place": "示范市元宝区春河街3号", "form_of_organisation": "个人经营", "capital": 5,
}


@pytest.fixture
def world(city):
    return bundle_world(city)


@pytest.fixture
def installed(world):
    return [install_modelled_bundle(world["admin"], spec) for spec in MODELLED]


def test_files_have_diagram_interchange_and_match_the_data():
    from digigov.services.onestop.processes.authoring import files

    written = files()
    assert sorted(written) == sorted(f"{k}.bpmn" for k in process_keys())
    for name, xml in written.items():
        # the checked-in file is what the authoring helper writes from bundles_data (no hand edits drift)
        assert (HERE / name).read_text(encoding="utf-8") == xml, name
        tree = etree.parse(str(HERE / name))
        proc = tree.getroot().find(f"{{{engine.BPMN_NS}}}process")
        ids = {n.get("id") for n in proc if isinstance(n.tag, str)}
        drawn = {n.get("bpmnElement") for n in tree.iter(f"{DI}BPMNShape", f"{DI}BPMNEdge")}
        assert ids <= drawn, ids - drawn


def test_install_imports_every_process_and_is_idempotent(installed, world):
    assert [b.name for b in installed] == [s["name"] for s in MODELLED]
    assert all(b.modelled and b.form_id for b in installed)
    for key in process_keys():
        assert ProcessVersion.objects.filter(process__key=key, status=VersionStatus.ACTIVE).count() == 1
    transfer = ServiceItem.objects.get(name="不动产转移登记")
    assert transfer.fee_required and transfer.fees[0]["amount_cents"] == 8000
    assert transfer.materials.filter(licence_type__code="100000NR001").exists()
    again = [install_modelled_bundle(world["admin"], spec) for spec in MODELLED]
    assert [b.pk for b in again] == [b.pk for b in installed] and Bundle.objects.count() == 8


def _combined_and_shared(bundle):
    from digigov.services.onestop.bundles import combined_fields, is_modelled, shared_materials
    from digigov.support.forms.selectors import current_version

    fields = combined_fields(bundle)
    keys = [c["key"] for c in fields]
    assert len(keys) == len(set(keys)) and is_modelled(bundle)
    # the bundle's own combined form (what the portal shows) asks the same fields, each once
    combined = [c.get("key") for c in leaves(current_version(bundle.form).ui["components"])]
    assert sorted(combined) == sorted(keys)
    return keys, shared_materials(bundle)


def test_combined_form_and_shared_materials_of_the_newborn_bundle(installed):
    keys, shared = _combined_and_shared(Bundle.objects.get(name="新生儿出生一件事"))
    assert keys.count("applicant_id_number") == 1 and keys.count("baby_id_number") == 1
    by_name = {m.name: m for m in shared}
    # the 出生医学证明 two members need is one material, replaced by the e-licence (免提交)
    assert len(by_name["出生医学证明"].items) == 2 and by_name["出生医学证明"].replaceable
    assert len(by_name["居民户口簿"].items) == 3 and by_name["居民户口簿"].shared_source == "household"
    assert len(shared) < sum(m.item.materials.count() for m in Bundle.objects.get(name="新生儿出生一件事").memberships.all())


def _start(item, applicant, legal_person=None):
    version = ProcessVersion.objects.get(process=item.process, status=VersionStatus.ACTIVE)
    data = {**DATA, "applicant_id_number": applicant.person.id_number}
    return start_case(applicant, version, title=item.name, department=item.department, data=data,
                      applicant_legal_person=legal_person)


def test_every_member_of_the_eight_runs_end_to_end_and_issues_its_licence(installed, city):
    """One pass over all eight (one world: the setup dominates the run time on a shared machine)."""
    person, (agent, lp) = citizen(city), enterprise_agent(city)
    for spec in MODELLED:
        bundle = Bundle.objects.get(code=spec["code"])
        applicant, legal = (agent, lp) if spec["audience"] == "enterprise" and spec["code"] != "210600YJS0002" else (person, None)
        _run_bundle(spec, bundle, applicant, legal)


def _run_bundle(spec, bundle, applicant, lp):
    code = spec["code"]
    for m, member in zip(spec["members"], bundle.memberships.select_related("item__process", "item__department").order_by("order")):
        item = member.item
        assert item.name == m["name"] and item.department.code == m["department"]
        case = _start(item, applicant, lp)
        run_case(case)
        case.refresh_from_db()
        assert case.status == CaseStatus.APPROVED, (item.name, case.status, list(case.incidents.values_list("message", flat=True)))
        issued = list(Licence.objects.filter(case=case, status=LicenceStatus.VALID).select_related("licence_type"))
        licence = (m["process"] or {}).get("licence") or ("100000SAMR005" if m["reuse"] == "individual_business_registration" else "")
        assert [x.licence_type.code for x in issued] == ([licence] if licence else []), item.name
        if not licence:
            continue
        lic = issued[0]
        assert lic.issuer_id == lic.licence_type.department_id
        if code == "210600YJS0001":
            assert lic.holder_code == BABY_ID and lic.holder_name == "王小宝"
        elif licence == "100000SAMR001":
            from digigov.core.validators import uscc_error

            assert uscc_error(lic.holder_code) is None and lic.holder_name == DATA["enterprise_name"]
            assert lic.data["established"] == timezone.localdate().isoformat() and lic.data["kind"] == "有限责任公司"
        elif licence == "100000SAMR002":
            assert lic.holder_code == lp.uscc and lic.data["project"] == "热食类食品制售、冷食类食品制售"
        else:
            assert lic.holder_code == applicant.person.id_number


def test_a_rejected_review_ends_without_a_licence(installed, city):
    item = Bundle.objects.get(code="210600YJS0004").memberships.get(item__name="不动产转移登记").item
    case = _start(item, citizen(city))
    run_case(case, reject={"check"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and not Licence.objects.filter(case=case).exists()
