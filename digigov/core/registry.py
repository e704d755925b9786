"""Registration points for upward needs: lower layers never import higher ones.

Apps call these from ``AppConfig.ready()``:

* ``register_permission`` — a permission code, its Chinese label and the roles granted it by default.
* ``register_nav`` — a workbench/portal menu entry under one of the plan's layers.
* ``register_kpi`` — the function that computes one of Table 1's indicators.
* ``register_demo`` — the app's demo-city generator, run by ``manage.py democity``.
* ``register_audit_event`` / ``register_audit_events`` — the Chinese label of each audit action code
  the app's actions pass to ``record``; each app keeps them in its own ``audit_events.py``, imported
  from ``ready()``. A test fails for any code in the code base without a label.
* ``register_todo`` — something waiting for the signed-in user (the workbench home's to-do list).
* ``register_key_purpose`` — the Chinese name of a key-store purpose an app seals data under (the key page
  shows it instead of the code).
* ``register_assessment_control`` — a GB/T 39786 control the 密评 self-check page evaluates, with the live
  check that decides whether the platform meets it (never a fixed answer).
* ``register_component`` — a business component (业务组件): a named, documented platform action with typed
  inputs and outputs that a BPMN service task calls by its code (credit check, issue a licence, seal a
  document, create a payment order …), so that a process author wires it in the modeller without code.
* ``register_portal_home`` — the view of the portal's first screen (``/``); without one, core's own portal
  page (the architecture map) answers.
* ``register_process_tags`` — a function naming tags (全市通办 …) a higher layer puts on workflow processes,
  so the window and the worklist (support layer) can show them without importing the portal.
* ``register_field_cipher`` — the cipher behind ``digigov.core.pii``'s encrypted model fields (the
  security layer's key store registers it; core only knows the interface).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# --- the plan's architecture ("1345+N"): the navigation's skeleton ------------
LAYERS: list[tuple[str, str]] = [
    ("infra", "基础设施体系"),
    ("data", "资源要素体系"),
    ("support", "“平台+大脑”应用支撑体系"),
    ("services", "业务应用体系"),
    ("security", "安全保障体系"),
    ("core", "工作保障与平台管理"),
]

# Every system the plan names, per layer. An entry becomes a link once an app registers
# a nav item with the same key; until then it is shown as 未接入 (not available).
PLANNED_SYSTEMS: dict[str, list[tuple[str, str]]] = {
    "infra": [("infra.cloud", "政务云"), ("infra.network", "电子政务外网")],
    "data": [
        ("data.catalog", "数据资源目录（编目/挂载）"),
        ("data.grading", "数据分类分级"),
        ("data.aggregation", "数据归集"),
        ("data.registries", "基础数据库（人口/法人/信用/证照/空间）"),
        ("data.themes", "主题库与专题库"),
        ("data.governance", "数据治理与质量"),
        ("data.linkage", "一数一源"),
        ("data.registries_governance", "基础库治理（覆盖率、冲突、数据管家待办）"),
        ("data.sharing", "共享交换与供需对接"),
        ("data.gateway", "接口网关"),
        ("data.exchange", "批量交换与数据回流"),
        ("data.federation", "平台级联（省市县数据共享）"),
        ("data.open", "公共数据开放平台"),
    ],
    "support": [
        ("support.identity", "统一身份认证"),
        ("support.seal", "电子印章与电子签章"),
        ("support.license", "电子证照"),
        ("support.credit", "信用信息"),
        ("support.payment", "公共支付与非税支付"),
        ("support.bill", "电子票据"),
        ("support.archive", "电子档案"),
        ("support.workflow", "表单与流程引擎"),
        ("support.window", "综合窗口"),
        ("support.knowledge", "知识库与智能问答"),
        ("support.iot", "物联网平台"),
        ("support.video", "视频融合平台"),
        ("support.ledger", "可信存证（区块链）"),
        ("support.gis", "时空地理信息平台"),
    ],
    "services": [
        ("services.onestop", "一网通办"),
        ("services.governance", "一网统管"),
        ("services.oa", "一网协同"),
        ("services.dashboard", "一屏通联"),
    ],
    "security": [
        ("security.crypto", "商用密码服务（SM2/SM3/SM4）"),
        ("security.assessment", "密码应用安全性评估（密评自查）"),
        ("security.incidents", "网络安全事件"),
    ],
    "core": [
        ("core.org", "行政区划与组织机构"),
        ("core.accounts", "账户与授权代理"),
        ("core.kpi", "主要指标（表1）"),
        ("core.audit", "审计日志"),
    ],
}


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class NavItem:
    key: str  # matches a PLANNED_SYSTEMS key
    label: str
    url_name: str
    permission: str
    layer: str
    area: str = "workbench"  # workbench (the plan's systems, keyed by PLANNED_SYSTEMS) | portal (the header menu of signed-in users)
    order: int = 100


@dataclass(frozen=True)
class DemoGenerator:
    name: str
    func: Callable
    after: tuple[str, ...] = field(default_factory=tuple)
    soft_after: tuple[str, ...] = field(default_factory=tuple)  # run after these only if they are registered


@dataclass(frozen=True)
class Todo:
    """One kind of work waiting for a user. ``count(user)`` must be one cheap COUNT over the same scoped
    queryset the list page shows; ``url`` is a URL name (reversed without arguments) or ``url(user) -> str``
    for the filtered list; ``single_url(user) -> str | None`` (optional) opens the item itself when there is
    exactly one."""

    key: str
    label: str
    count: Callable
    url: str | Callable
    permission: str
    single_url: Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class Finding:
    """What a live check found: ``status`` one of met / partial / not_met / na, ``evidence`` the Chinese
    sentence with the figures it was decided on (e.g. "个人信息字段已加密：2,201,433 / 2,201,433 行")."""

    status: str
    evidence: str


@dataclass(frozen=True)
class AssessmentControl:
    """One GB/T 39786-2021 requirement as the platform evaluates it: ``aspect`` is the standard's 层面
    (网络和通信安全, 设备和计算安全, 应用和数据安全, 管理), ``name`` its 指标, ``check(request) -> Finding`` (request may be None)."""

    code: str
    aspect: str
    name: str
    check: Callable
    order: int = 100


PERMISSIONS: dict[str, Permission] = {}
ASSESSMENT_CONTROLS: dict[str, AssessmentControl] = {}
TODOS: dict[str, Todo] = {}
NAV: list[NavItem] = []
KPI_COMPUTERS: dict[str, Callable] = {}
DEMO_GENERATORS: dict[str, DemoGenerator] = {}
URLS: list[tuple[str, str]] = []  # (prefix, urlconf module) mounted by the root URLconf
AUDIT_EVENTS: dict[str, str] = {}  # audit action code → Chinese label
UNREGISTERED_AUDIT_EVENT = "其他操作"


def register_audit_event(code: str, label: str) -> None:
    AUDIT_EVENTS[code] = label


def register_audit_events(labels: dict[str, str]) -> None:
    for code, label in labels.items():
        register_audit_event(code, label)


def audit_event_label(code: str) -> str:
    """What the audit page shows for an action code: its registered label, never the raw code."""
    return AUDIT_EVENTS.get(code, UNREGISTERED_AUDIT_EVENT)


def register_urls(prefix: str, module: str) -> None:
    if (prefix, module) not in URLS:
        URLS.append((prefix, module))


def register_permission(code: str, label: str, roles: tuple[str, ...] | list[str]) -> None:
    PERMISSIONS[code] = Permission(code, label, tuple(roles))


def register_nav(item: NavItem) -> None:
    if all(existing.key != item.key or existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)


def register_kpi(code: str, func: Callable) -> None:
    KPI_COMPUTERS[code] = func


def register_todo(key: str, label: str, count: Callable, url: str | Callable, permission: str, *,
                  single_url: Callable | None = None, order: int = 100) -> None:
    TODOS[key] = Todo(key, label, count, url, permission, single_url, order)


KEY_PURPOSES: dict[str, str] = {}  # key-store purpose → Chinese label
UNREGISTERED_KEY_PURPOSE = "其他用途"


def register_key_purpose(purpose: str, label: str) -> None:
    KEY_PURPOSES[purpose] = label


def key_purpose_label(purpose: str) -> str:
    return KEY_PURPOSES.get(purpose, UNREGISTERED_KEY_PURPOSE)


def register_assessment_control(control: AssessmentControl) -> None:
    ASSESSMENT_CONTROLS[control.code] = control


PORTAL_HOME: list = []  # at most one: the view that answers "/" instead of core's portal page


def register_portal_home(view: Callable) -> None:
    """``view(request)`` answers the portal's first screen; it must declare its gate (``public``)."""
    PORTAL_HOME[:] = [view]


def portal_home() -> Callable | None:
    return PORTAL_HOME[0] if PORTAL_HOME else None


PROCESS_TAGGERS: list[Callable] = []


def register_process_tags(func: Callable) -> None:
    """``func(process_ids: set[int]) -> {process_id: [Chinese tag, …]}`` in one query; e.g. the portal's
    catalog marks the processes of its 全市通办 items."""
    if func not in PROCESS_TAGGERS:
        PROCESS_TAGGERS.append(func)


def process_tags(process_ids) -> dict[int, list[str]]:
    """The tags every registered tagger puts on these processes (a process without any is left out)."""
    ids = {pid for pid in process_ids if pid}
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    for func in PROCESS_TAGGERS:
        for pid, tags in (func(ids) or {}).items():
            out.setdefault(pid, []).extend(t for t in tags if t not in out.get(pid, []))
    return out


FIELD_CIPHER: list = []  # at most one: the object ``digigov.core.pii`` encrypts personal fields with


def register_field_cipher(cipher) -> None:
    """``cipher`` implements ``digigov.core.pii.FieldCipher`` (seal/unseal/sealer/blind_key)."""
    FIELD_CIPHER[:] = [cipher]


def field_cipher():
    if not FIELD_CIPHER:
        raise RuntimeError("没有注册个人信息字段的密码服务（digigov.security.keys 未加载）")
    return FIELD_CIPHER[0]


def register_demo(name: str, func: Callable, after: tuple[str, ...] = (), *, soft_after: tuple[str, ...] = ()) -> None:
    """``after``: generators that must have run (a name nobody registered is an error); ``soft_after``: generators
    to run after *if they are registered* (e.g. a search index that covers whatever catalog parts exist)."""
    DEMO_GENERATORS[name] = DemoGenerator(name, func, tuple(after), tuple(soft_after))


def demo_order() -> list[DemoGenerator]:
    """Generators in dependency order (stable: registration order breaks ties)."""
    done: list[str] = []
    pending = dict(DEMO_GENERATORS)
    while pending:
        ready = [g for g in pending.values()
                 if all(a in done for a in g.after) and all(a in done or a not in DEMO_GENERATORS for a in g.soft_after)]
        if not ready:
            raise RuntimeError(f"demo generators have unmet dependencies: {sorted(pending)}")
        for g in ready:
            done.append(g.name)
            del pending[g.name]
    return [DEMO_GENERATORS[n] for n in done]


# --- business components (业务组件) that BPMN service tasks call -------------------------------------
@dataclass(frozen=True)
class ComponentParam:
    """One typed input or output of a business component. ``type`` is a JSON Schema type name
    (string, integer, number, boolean, object, array); ``label`` is what the process author reads."""

    name: str
    type: str
    label: str
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Component:
    """A platform action a service task may call: ``func(actor, case, inputs: dict) -> dict`` runs inside the
    engine's transaction as ``actor`` (the platform's system account unless the process says otherwise) and
    returns the outputs, which the engine writes into the case data. It raises a ``DigiGovError`` for a
    business failure (the case goes to an incident an administrator can retry). ``code`` is what the BPMN
    file names (``camunda:topic`` of an external service task, or the task's ``implementation``)."""

    code: str
    label: str
    description: str
    func: Callable
    inputs: tuple[ComponentParam, ...] = ()
    outputs: tuple[ComponentParam, ...] = ()
    app: str = ""


COMPONENTS: dict[str, Component] = {}


def register_component(component: Component) -> None:
    COMPONENTS[component.code] = component


def component(code: str) -> Component | None:
    return COMPONENTS.get(code)
