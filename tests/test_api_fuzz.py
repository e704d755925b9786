"""schemathesis, in process against the WSGI app, with every check it has: each operation of /api/v1
is called with generated valid and invalid inputs, authenticated with an API key (a service account
holding every staff role) and without one. Any failure that is the server's fault fails the test:
a 500, a response not matching the published schema, a status the operation does not document,
invalid data accepted, or valid data refused for a reason the schema does not state.

Valid data refused with a *business* 422 (a resident ID whose check digit is wrong, an unknown
department named in a body) is not the server's fault: the schema cannot state such rules, and the
answer is the documented error body with a specific code. A pydantic ``validation_error`` for data
the schema allows would be: the schema lied.
"""

from __future__ import annotations

import collections
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from digigov.core.accounts import actions as account_actions
from digigov.core.rbac.models import STAFF_ROLES, RoleAssignment
from digigov.core.testing import make_user

pytestmark = [pytest.mark.slow, pytest.mark.fuzz, pytest.mark.django_db]

# examples per operation and mode: 5 + 5 with the key, 2 without and 5 on real objects. With ~300 operations
# that is ~5,000 calls, ~11 minutes of one CI core (8 + 8 + 3 + 8 took ~20 and pushed CI past its 30 minutes);
# DIGIGOV_FUZZ_EXAMPLES raises it for a deeper run (e.g. 20 before a release)
PER_MODE = int(os.environ.get("DIGIGOV_FUZZ_EXAMPLES", "5"))
EXAMPLES = {GenerationMode.POSITIVE: PER_MODE, GenerationMode.NEGATIVE: PER_MODE}
UNAUTHENTICATED_EXAMPLES = 2


def positive_data_acceptance_beyond_business_rules(ctx, response, case):
    """``positive_data_acceptance``, except a 422 that names a business rule (see the module docstring)."""
    if response.status_code == 422:
        try:
            code = response.json().get("code")
        except Exception:  # noqa: BLE001 - not JSON: let the stock check judge it
            code = None
        if code and code != "validation_error":
            return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture
def api_key(city, settings):
    settings.DIGIGOV_API_USER_RATE = ""  # the fuzzer calls far faster than any real client
    settings.DIGIGOV_API_KEY_MAX_FAILURES = 0
    service = make_user(None, username="svc_fuzz", kind="service", password=None)
    for role in sorted(STAFF_ROLES):
        RoleAssignment.objects.create(user=service, role=role)
    _, key = account_actions.create_api_client(make_user("security_officer"), name="接口模糊测试", user=service)
    return key


def run_operation(operation, mode, examples, headers, stats, failures, path_parameters=None):
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        stats[operation.label] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance],
                                   additional_checks=[positive_data_acceptance_beyond_business_rules])
        except (Failure, FailureGroup) as exc:
            for failure in getattr(exc, "exceptions", [exc]):
                failures[(operation.label, failure.title)].append(
                    f"{mode.value}: {case.as_curl_command(headers)[:600]}\n    → {response.status_code} {response.text[:300]}"
                    f"\n    {failure.message[:300]}")

    try:
        run()
    except Unsatisfiable:
        # nothing invalid to send: no inputs, or only a path segment (a NUL cannot travel in a URL path)
        assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.fixture
def wsgi_app():
    """The production WSGI app, minus the end-of-request connection close (as in Django's test client):
    the test's transaction must outlive each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from digigov.core.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(city, settings, tmp_path):
    """One real object of each kind an operation's path can name."""
    from decimal import Decimal

    from digigov.core.accounts import actions as accounts
    from digigov.core.registry import KPI_COMPUTERS
    from digigov.core.testing import resident_id, uscc
    from digigov.infra.cloud import actions as cloud
    from digigov.infra.network import actions as network

    admin = make_user("city_admin")
    platform = cloud.create_platform(admin, name="市级政务云平台", department=city.bureau_unit, integrated=True)
    pool = cloud.create_pool(admin, name="市级政务云资源池", vcpu_total=100, memory_gb_total=400, storage_tb_total="10", platform=platform)
    system = cloud.register_system(admin, department=city.bureau, name="营商环境监测系统")
    requester = make_user("dept_admin", department=city.bureau)
    request, _ = cloud.submit_request(requester, department=city.bureau, purpose="new", vcpu=8, memory_gb=16,
                                      storage_tb=Decimal("1.5"), reason="新系统部署")
    point = network.create_access_point(admin, division=city.village_a, department=city.bureau, bandwidth_mbps=100)
    person = accounts.register_person(admin, id_number=resident_id("210602", "19800101"), name="王一", division=city.village_a)
    legal = accounts.register_legal_person(admin, uscc=uscc("210602"), name="示范科技有限公司", division=city.county_a)
    from digigov.data.grading import actions as grading
    from digigov.data.grading.testing import create_dataset, make_entry

    data_admin = make_user("data_admin", department=city.bureau)
    entry = make_entry(city.bureau)
    create_dataset(entry, [{"xm": "王一", "sfzh": resident_id("210602", "19800101"), "sjhm": "13812345678", "sqmc": "兴东社区"}], user=data_admin)
    proposal = grading.propose_levels(data_admin, entry, [{"item": None, "level": 2, "personal": 2}], reason="含敏感个人信息")[0]
    from digigov.data.quality import actions as quality
    from digigov.data.quality.models import RectificationTask
    from digigov.data.quality.testing import make_entry as make_quality_entry, make_table

    authority = make_user("data_authority")
    q_entry = make_quality_entry(city.bureau, [{"name": "名称", "field_name": "mc", "required": True, "is_key": True}])
    make_table(q_entry, [{"mc": "甲"}, {"mc": "甲"}, {"mc": ""}], user=authority)
    run = quality.run_now(authority, q_entry)
    rule = q_entry.quality_rules.first()
    task = RectificationTask.objects.get(entry=q_entry)
    settings.MEDIA_ROOT = str(tmp_path / "media")  # uploaded files the fuzzer sends stay out of var/
    from django.core.files.uploadedfile import SimpleUploadedFile

    from digigov.data.aggregation import actions as aggregation
    from digigov.data.aggregation.pipeline import engine
    from digigov.data.aggregation.testing import HEADER, good_row, make_entry as make_aggregation_entry

    source = aggregation.create_source(data_admin, entry=make_aggregation_entry(city.bureau), name="补贴名册")
    content = ("\n".join([",".join(HEADER), ",".join(good_row(1))]) + "\n").encode()
    job, _ = aggregation.submit_upload(data_admin, source, SimpleUploadedFile("a.csv", content), enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    from digigov.data.catalog import actions as catalog
    from digigov.data.catalog.models import Category, CategoryKind

    category = Category.objects.create(code="T-FUZZ", name="市场监管", kind=CategoryKind.THEME)
    c_entry = catalog.create_entry(data_admin, department=city.bureau, code="FUZZ-1", name="企业登记信息", abstract="摘要",
                                 category=category.pk, sharing_type="unconditional",
                                 items=[{"name": "统一社会信用代码", "field_name": "uscc", "length": 18}])
    mount = catalog.mount_resource(data_admin, c_entry, kind="table", name="库表")
    line = catalog.add_responsibility(data_admin, department=city.bureau, name="企业登记信息")
    demand = catalog.file_demand(data_admin, requester=city.bureau, provider=city.other_bureau, title="学籍信息", purpose="核验")
    from digigov.data.registries.testing import sample as registries_sample

    reg = registries_sample(city)
    from digigov.data.spatial.testing import geography

    geography(city, authority)
    # --- window slice: a hall with a called ticket, a reception that made a case, and its delivery
    settings.VAR_DIR = tmp_path  # materials the fuzzer uploads stay out of var/
    from digigov.support.window.testing import world_objects as window_world

    window = window_world(city)
    from digigov.support.forms.testing import published_form

    form, _version = published_form(admin, key="fuzz-form")
    from digigov.support.workflow.actions import cases as tk_cases
    from digigov.support.workflow.testing import make_version, parallel_bpmn

    tk_version = make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau)
    tk_case = tk_cases.start_case(make_user("citizen"), tk_version, data={"purpose": "测试"})
    tk_task = tk_case.tasks.get(element_id="accept")
    # workflow engine: a process with an active version, a running case, an incident
    from digigov.core.registry import COMPONENTS, Component
    from digigov.support.workflow.actions.processes import activate_version, import_process
    from digigov.support.workflow.models import Incident
    from digigov.support.workflow.testing import start_case as wf_start
    from digigov.support.workflow.tests.bpmn_samples import linear, service

    wf_admin = make_user("city_admin")
    wf_version = activate_version(wf_admin, import_process(wf_admin, linear(key="fuzz_process").encode(), "fuzz.bpmn", department=city.bureau))
    wf_case = wf_start(wf_version, actor=city.system, department=city.bureau)

    def _fails(actor, case, inputs):
        from digigov.core.errors import ValidationFailed

        raise ValidationFailed("外部系统暂不可用")

    COMPONENTS["fuzz.fail"] = Component("fuzz.fail", "模糊测试组件", "总是失败", _fails)
    failing = activate_version(wf_admin, import_process(wf_admin, service("fuzz.fail", key="fuzz_fail").encode(), "fail.bpmn", department=city.bureau))
    wf_start(failing, actor=city.system, department=city.bureau)
    wf_incident = Incident.objects.get(case__process_version=failing)
    # --- h-docs: a signing record, whose QR token GET /api/v1/verify/{token} names; 验章 is public and
    # rate-limited per address, which the fuzzer (one address, far faster than a person) must not trip
    from digigov.support.seal.tests.samples import signing_record

    settings.SEAL_VERIFY_MAX_PER_MINUTE = 0
    signing_rec = signing_record(city)
    from digigov.support.license.testing import wallet_world

    wallet = wallet_world(city)
    from digigov.support.seal import actions as seal_actions
    from digigov.support.seal.models import SealType
    from digigov.support.seal.testing import made_seal

    seal = made_seal(city.other_bureau, approver=admin)  # city.bureau already holds the 公章 of the signing record above
    seal_app, _ = seal_actions.apply_for_seal(requester, department=city.bureau, seal_type=SealType.CONTRACT, name="营商局合同专用章",
                                              reason="合同网签")
    # e-licences: a type and a licence row (written directly: the fuzz needs an object, not a sealed file)
    from django.utils import timezone

    from digigov.support.license import identifiers as lic_ids
    from digigov.support.license.models import Licence
    from digigov.support.license.testing import make_type

    lic_type = make_type(city.bureau)
    from digigov.services.onestop.application_testing import world_objects as application_world

    applications = application_world(city)
    today = timezone.localdate()
    licence = Licence.objects.create(identifier=lic_ids.build(lic_type.code, "CITYBDB", today.year, 1), number="FUZZ-1", licence_type=lic_type,
                                     holder_kind="person", holder_code=resident_id("210602", "19800101"), holder_name="王一", data={},
                                     issuer=city.bureau, issued_on=today, valid_from=today, source="approval", ofd=b"", pdf=b"")
    from digigov.services.onestop.testing import make_item, make_topic

    onestop_item = make_item(city.bureau, name="居民身份证换领", topics=[make_topic("household", "户籍")])
    # --- h-pay: a payment order (GET /support/payments/orders/{public_id}, its refund) ---
    from digigov.support.payment.testing import make_order

    pay_order = make_order(city.bureau)
    # --- h-sharing: an open share request, a subscription and a department app ---
    from digigov.data.sharing.actions import requests as sharing_requests
    from digigov.data.sharing.testing import department_app, provider_entry, request_kwargs as share_kwargs

    share_app = department_app(requester, city.bureau, "模糊测试调用应用")
    share_req = sharing_requests.file_request(requester, **share_kwargs(city.bureau, provider_entry(city.other_bureau), share_app))
    share_done = sharing_requests.file_request(requester, **share_kwargs(city.bureau, provider_entry(city.other_bureau, name="已授权"), share_app))
    share_sub = sharing_requests.decide_request(make_user("dept_admin", department=city.other_bureau), share_done, "approve").subscription
    # --- h-exchange: a job with a finished run, and a return-flow task
    from digigov.data.exchange import actions as exchange, engine as exchange_engine, testing as exchange_testing

    x_consumer = make_user("data_admin", department=city.other_bureau)
    x_entry = exchange_testing.provider_entry(city.bureau, user=data_admin, rows=3)
    x_job = exchange.create_job(x_consumer, subscription=exchange_testing.department_subscription(admin, entry=x_entry, consumer=city.other_bureau),
                                name="模糊测试交换", mode="full", delivery="csv")
    x_run = exchange_engine.execute(exchange.run_job(x_consumer, x_job, enqueue=False).pk)
    x_return = exchange.create_return_task(data_admin, entry=x_entry, name="模糊测试回流", division_field="qhdm", fields=["qhdm", "je"],
                                           receivers=[city.county_gov])
    # --- federation: a peer (its gateway address answers nothing: a sync is a failed run)
    from digigov.data.federation import actions as federation

    fed_peer, _, _ = federation.register_peer(admin, code="FUZZ", name="模糊测试级联平台", gateway_url="http://127.0.0.1:9/",
                                              department=city.bureau)
    return {
        "/api/v1/data/federation/peers/": fed_peer.public_id,
        "/api/v1/data/sharing/requests/": share_req.public_id, "/api/v1/data/sharing/subscriptions/": share_sub.public_id,
        "/api/v1/data/sharing/apps/": share_app.public_id,
        "/api/v1/data/exchange/jobs/": x_job.public_id, "/api/v1/data/exchange/runs/": x_run.public_id,
        "/api/v1/data/exchange/returns/": x_return.public_id,
        "/api/v1/privacy/policies/": x_entry.code,  # PUT an ε policy on a real entry
        "/api/v1/services/items/": onestop_item.code,
        "/api/v1/support/payments/orders/": pay_order.public_id,
        "/api/v1/verify/": signing_rec.token,
        "/api/v1/support/seals/applications/": seal_app.public_id,
        "/api/v1/support/seals/certificates/": seal.signers.first().public_id,
        "/api/v1/support/seals/": seal.code,
        "/api/v1/support/licences/types/": lic_type.public_id, "/api/v1/support/licences/": licence.public_id,
        **window, **wallet, **applications,
        "/api/v1/support/forms/": form.key,
        "/api/v1/support/tasks/": tk_task.public_id, "/api/v1/support/cases/": tk_case.public_id,
        "/api/v1/support/workflow/processes/": wf_version.process.public_id, "/api/v1/support/workflow/versions/": wf_version.public_id,
        "/api/v1/support/workflow/cases/": wf_case.public_id, "/api/v1/support/workflow/incidents/": wf_incident.public_id,
        "/api/v1/data/spatial/boundaries/": city.county_a.code,
        "/api/v1/data/registries/persons/": reg.person.public_id, "/api/v1/data/registries/enterprises/": reg.enterprise.public_id,
        "/api/v1/data/registries/credit/": reg.credit.public_id,
        "/api/v1/data/aggregation/sources/": source.public_id, "/api/v1/data/aggregation/jobs/": job.public_id,
        "/api/v1/data/aggregation/batches/": job.batch.public_id,
        "/api/v1/data/quality/entries/": q_entry.public_id, "/api/v1/data/quality/rules/": rule.public_id,
        "/api/v1/data/quality/runs/": run.public_id, "/api/v1/data/quality/tasks/": task.public_id,
        "/api/v1/data/catalog/entries/": c_entry.public_id, "/api/v1/data/catalog/mounts/": mount.public_id,
        "/api/v1/data/catalog/responsibilities/": line.public_id, "/api/v1/data/catalog/demands/": demand.public_id,
        "/api/v1/accounts/persons/": person.public_id, "/api/v1/accounts/legal-persons/": legal.public_id,
        "/api/v1/org/departments/": city.bureau.public_id, "/api/v1/kpi/": sorted(KPI_COMPUTERS)[0],
        "/api/v1/infra/cloud/pools/": pool.public_id, "/api/v1/infra/cloud/platforms/": platform.public_id,
        "/api/v1/infra/cloud/systems/": system.public_id, "/api/v1/infra/cloud/requests/": request.public_id,
        "/api/v1/infra/network/access-points/": point.public_id,
        "/api/v1/data/grading/proposals/": proposal.public_id, "/api/v1/data/grading/entries/": entry.code,
        "/api/v1/data/datasets/": entry.code,
    }


def _real_path_parameters(path: str, world: dict) -> dict | None:
    if "{" not in path:
        return None
    name = path[path.index("{") + 1:path.index("}")]
    for prefix, value in world.items():
        if path.startswith(prefix + "{"):
            return {name: value}
    raise AssertionError(f"no real object for {path}: add one to the world fixture")


SHARDS = 4  # separate tests so the two CI workers share the fuzzing (one test was the run's long tail)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_schemathesis_finds_no_server_fault(api_key, wsgi_app, world, shard):
    application = wsgi_app

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 36
    operations = sorted(operations, key=lambda op: op.label)[shard::SHARDS]
    stats, failures = collections.Counter(), collections.defaultdict(list)
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            run_operation(operation, mode, examples, {"X-API-Key": api_key}, stats, failures)
        run_operation(operation, GenerationMode.POSITIVE, UNAUTHENTICATED_EXAMPLES, {}, stats, failures)
        # and on real objects: random ids mostly answer 404, so bodies would never reach the actions
        real = _real_path_parameters(operation.path, world)
        if real:
            run_operation(operation, GenerationMode.POSITIVE, PER_MODE, {"X-API-Key": api_key}, stats, failures, real)
    print(f"\nschemathesis: {len(operations)} operations, {sum(stats.values())} cases")
    report = "\n".join(f"{op} — {title} ({len(cases)}×)\n  " + "\n  ".join(cases[:2]) for (op, title), cases in sorted(failures.items()))
    assert not failures, report
