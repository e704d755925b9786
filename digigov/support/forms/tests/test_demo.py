from digigov.core.demo import DemoContext
from digigov.core.org import actions as org_actions
from digigov.core.org.models import DepartmentKind
from digigov.core.registry import DEMO_GENERATORS
from digigov.support.forms import schema as sc
from digigov.support.forms.demo import generate
from digigov.support.forms.models import FormDefinition, FormStatus, FormVersion


def test_demo_forms_published_with_sections_repeats_conditions_and_bindings(city):
    assert DEMO_GENERATORS["forms"].after == ("registries",)
    samr = org_actions.create_department(city.system, code="CITY-SAMR", name="示范市市场监督管理局", short_name="市场监管局",
                                         kind=DepartmentKind.COMMITTEE, division=city.city, parent=city.gov)
    ctx = DemoContext(scale=0.01, seed=1).for_generator("forms")
    generate(ctx)
    generate(ctx)  # a second run adds nothing
    assert FormDefinition.objects.count() == 5
    assert FormDefinition.objects.get(key="food-business-licence").department == samr
    for v in FormVersion.objects.select_related("form"):
        assert v.status == FormStatus.PUBLISHED and v.version == 1 and v.bindings
        kinds = {f.type for f in sc.fields(v.ui)}
        assert {"group", "dynamiclist"} <= kinds
    names = set(FormDefinition.objects.values_list("name", flat=True))
    assert "个体工商户设立登记申请书" in names and "建设工程施工许可申请表" in names
