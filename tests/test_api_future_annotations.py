"""An api.py written with postponed annotations still gets its body parsed as a body."""

import importlib.util
from pathlib import Path

import inspect


SOURCE = '''
from __future__ import annotations
from ninja import Router
from digigov.core.api import StrictSchema, permission

router = Router()


class NameIn(StrictSchema):
    name: str


@router.post("/echo")
@permission("org.view")
def echo(request, payload: NameIn):
    return {"name": payload.name}
'''


def test_permission_decorator_resolves_postponed_annotations(tmp_path: Path, db):
    path = tmp_path / "future_api.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("future_api", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert inspect.signature(module.echo).parameters["payload"].annotation is module.NameIn
    operation = module.router.path_operations["/echo"].operations[0]
    sources = {model.__ninja_param_source__ for model in operation.models}
    assert sources == {"body"}, sources  # a JSON body, not a query parameter
