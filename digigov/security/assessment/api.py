"""REST API of the 密评 self-check at /api/v1/security/assessment/."""

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import permission

from . import selectors

router = Router(tags=["security.assessment 密评自查"])


class ControlOut(Schema):
    code: str
    aspect: str = Field(description="GB/T 39786 层面")
    name: str = Field(description="指标")
    status: str = Field(description="met 符合 / partial 部分符合 / not_met 不符合 / na 不适用")
    status_label: str
    evidence: str = Field(description="本次实时检查的依据与数据")


@router.get("", response=list[ControlOut], summary="密评自查：逐项实时检查")
@permission("assessment.view")
def controls(request):
    return [ControlOut(code=r.code, aspect=r.aspect, name=r.name, status=r.status, status_label=r.status_label, evidence=r.evidence)
            for r in selectors.run_all(request)]
