"""``GET /api/v1/services/recommendations``: 智能推荐 for the logged-in applicant (``onestop.recommend``)."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from digigov.core.api import permission
from digigov.core.errors import Forbidden

router = Router(tags=["onestop"])


class RecommendationOut(Schema):
    kind: str = Field(description="item（事项）或 bundle（一件事）")
    kind_label: str = Field(description="类别的中文名称")
    code: str = Field(description="事项实施编码或一件事编码")
    name: str
    url: str = Field(description="办事指南页面")
    reason: str = Field(description="推荐理由（中文）")
    rule: str = Field(description="推荐依据：newborn、licence_expiry、retirement、elderly、marriage、enterprise_stage、same_topic、also_applied")
    score: int


class RecommendationsOut(Schema):
    subject: str = Field(description="为谁推荐：本人或代理的企业名称")
    items: list[RecommendationOut]


def enterprise_for(user, public_id: str):
    """The enterprise the user currently acts for with that public id (403 otherwise)."""
    if not public_id:
        return None
    from digigov.core.accounts.actions import acting_for

    found = next((lp for lp in acting_for(user) if lp.public_id == public_id), None)
    if found is None:
        raise Forbidden("您未获该企业授权或授权已失效", code="not_authorised_for_enterprise")
    return found


@router.get("", response=RecommendationsOut, summary="智能推荐：根据本人情况、人生事件和办事记录推荐事项和一件事")
@permission("workflow.apply")
def recommendations(request, enterprise: str = Query("", max_length=32, description="代理的企业（公开编号）；为空表示本人"),
                    limit: int = Query(8, ge=1, le=20)):
    from .recommend import recommend

    lp = enterprise_for(request.auth, enterprise)
    recs = recommend(request.auth, enterprise=lp, limit=limit)
    return {"subject": lp.name if lp else "本人",
            "items": [{"kind": r.kind, "kind_label": r.kind_label, "code": r.code, "name": r.name, "url": r.url, "reason": r.reason,
                       "rule": r.rule, "score": r.score} for r in recs]}
