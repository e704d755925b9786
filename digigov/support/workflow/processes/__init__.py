"""The demo city's processes (BPMN 2.0 with diagram interchange, so the modeller and the case diagram can
draw them). ``DEMO_PROCESSES`` lists them in import order: a called process (施工图联合审查) comes before
the process whose call activity names it, and must be activated before that one is imported.

Each entry: ``file`` (in this folder), ``key`` (the BPMN process id), ``name``, ``department_code`` (the
demo city's, see ``digigov/core/org/demo.py``), ``statutory_days`` / ``promised_days`` (working days;
None for a called process, which has no time limit of its own). The files were written by
``authoring.py`` (run once at authoring time)."""

from pathlib import Path

HERE = Path(__file__).parent

DEMO_PROCESSES = [
    {"file": "individual_business_registration.bpmn", "key": "individual_business_registration", "name": "个体工商户设立登记",
     "department_code": "CITY-SAMR", "statutory_days": 15, "promised_days": 3},
    {"file": "food_business_licence.bpmn", "key": "food_business_licence", "name": "食品经营许可",
     "department_code": "CITY-SAMR", "statutory_days": 20, "promised_days": 10},
    {"file": "joint_drawing_review.bpmn", "key": "joint_drawing_review", "name": "施工图联合审查",
     "department_code": "CITY-HUD", "statutory_days": None, "promised_days": None},
    {"file": "construction_permit.bpmn", "key": "construction_permit", "name": "建设工程施工许可",
     "department_code": "CITY-HUD", "statutory_days": 15, "promised_days": 7},
    {"file": "newborn_one_thing.bpmn", "key": "newborn_one_thing", "name": "新生儿出生一件事",
     "department_code": "CITY-GSC", "statutory_days": 10, "promised_days": 5},
    {"file": "resident_pension_enrolment.bpmn", "key": "resident_pension_enrolment", "name": "城乡居民养老保险参保",
     "department_code": "CITY-HRSS", "statutory_days": 10, "promised_days": 5},
]

DEPARTMENT_CODES = sorted({"CITY-SAMR", "CITY-HEA", "CITY-HUD", "CITY-NR", "CITY-CAD", "CITY-PSB", "CITY-HSA", "CITY-HRSS", "CITY-GSC"})


def read(entry: dict) -> bytes:
    return (HERE / entry["file"]).read_bytes()


def import_all(actor, *, activate: bool = True) -> list:
    """Import (and activate) every demo process as ``actor`` (a dept_admin/city_admin); returns the versions.
    For the demo generator: departments are looked up by code."""
    from digigov.core.org.models import Department

    from ..actions.processes import activate_version, import_process

    out = []
    for entry in DEMO_PROCESSES:
        dept = Department.objects.get(code=entry["department_code"])
        v = import_process(actor, read(entry), entry["file"], department=dept, name=entry["name"],
                           statutory_days=entry["statutory_days"], promised_days=entry["promised_days"])
        if activate:
            v = activate_version(actor, v)
        out.append(v)
    return out
