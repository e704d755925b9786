from ninja import Router

router = Router(tags=["data.exchange 批量交换与数据回流"])
