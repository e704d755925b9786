from ninja import Router

router = Router(tags=["data.quality 数据质量"])
