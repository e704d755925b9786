"""The OpenAPI 3.0 document of the mount (``/govstack/digital-registries/openapi.json``).

It follows the GovStack Digital Registries BB Data API and Database API 1.3.0 path by path (same paths,
operation ids, parameters and success payloads), with the record ``content`` as a free JSON object
(each registry's own structure is served by ``GET /database/{id}``), and adds what the spec leaves open:
the error statuses and their ``{code, message, detail}`` body, and the platform's authentication schemes.
The conformance tests' path spellings are served too but not documented twice (see ``urls.py``).
"""

from __future__ import annotations

READ_SERVICES = ["data-list", "data-read", "data-exists", "data-read-value", "my-personal-data-usage"]
WRITE_SERVICES = ["data-create", "data-update", "data-update-entries", "data-update-or-create", "data-delete"]

ERR = {"$ref": "#/components/schemas/ErrorBody"}
ERRORS = {
    "400": "请求无效：缺少或格式错误的 Information-Mediator-Client 请求头、JSON 格式错误、参数或请求体结构不正确",
    "401": "未提供或提供了无效的 API 密钥 / 访问令牌",
    "403": "无此操作的权限；或对只读发布的基础数据库执行写操作",
    "404": "登记簿或记录不存在",
    "409": "记录编号重复，或查询条件匹配多条记录",
    "422": "记录不符合登记簿的数据结构（JSON Schema）",
    "429": "请求过于频繁，或 API 密钥错误次数过多",
}
CONTENT = {"$ref": "#/components/schemas/Content"}


def _errors(*codes: str) -> dict:
    return {c: {"description": ERRORS[c], "content": {"application/json": {"schema": ERR}}} for c in codes}


def _ok(schema: dict, description: str = "成功") -> dict:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _body(*parts: str, required: tuple[str, ...] = ()) -> dict:
    props = {p: {"type": "object", "properties": {"content": CONTENT}, "required": ["content"]} for p in parts}
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": props, "required": list(required)}}}}


MEDIATOR = {"$ref": "#/components/parameters/Information-Mediator-Client"}
REG = [MEDIATOR, {"$ref": "#/components/parameters/registryName"}, {"$ref": "#/components/parameters/versionNumber"}]
CONTENT_OUT = {"type": "object", "properties": {"content": CONTENT}, "required": ["content"]}


def _op(op_id: str, summary: str, params: list, responses: dict, body: dict | None = None, tag: str = "Registry data query API") -> dict:
    op = {"tags": [tag], "operationId": op_id, "summary": summary, "parameters": params, "responses": responses,
          "security": [{"apiKey": []}, {"xApiKey": []}, {"bearer": []}]}
    if body:
        op["requestBody"] = body
    return op


def _q(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _p(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema or {"type": "string"}}


def document(server: str = "") -> dict:
    list_ok = {"type": "object", "required": ["count", "results"], "properties": {
        "count": {"type": "integer", "description": "符合条件的记录数"},
        "next": {"type": "string", "format": "uri", "nullable": True, "description": "下一页地址"},
        "previous": {"type": "string", "format": "uri", "nullable": True, "description": "上一页地址"},
        "results": {"type": "array", "items": CONTENT}}}
    exists_ok = {"type": "object", "required": ["answer"], "properties": {"answer": {
        "type": "object", "required": ["status"], "properties": {"status": {"type": "boolean"}, "message": {"type": "string"}}}}}
    read_404 = {"404": {"description": "记录不存在（detail 为 \"no record found\"）", "content": {"application/json": {"schema": {
        "allOf": [ERR, {"type": "object", "properties": {"detail": {"type": "string", "enum": ["no record found"]}}}]}}}}}
    value_ok = {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"value": {}}}]}
    paths = {
        "/data/{registryName}/{versionNumber}": {"get": _op("list", "检索记录（分页）", REG + [
            _q("search", "检索文本：给出 filter 时按该字段精确匹配，否则在非个人信息文本字段中模糊匹配", {"type": "string", "maxLength": 100}),
            _q("filter", "与 search 配合的字段名", {"type": "string"}),
            _q("ordering", "排序（按登记先后）", {"type": "string", "enum": ["ascending", "descending", "asc", "desc"]}),
            _q("page", "页码，从 1 开始", {"type": "integer", "minimum": 1, "maximum": 100000}),
            _q("pageSize", "每页条数", {"type": "integer", "minimum": 1, "maximum": 100}),
            _q("purpose", "查看个人信息明文的用途（亦可用 X-Purpose 请求头，URL 编码）", {"type": "string", "maxLength": 200}),
        ], {**_ok(list_ok), **_errors("400", "401", "403", "404", "429")})},
        "/data/{registryName}/{versionNumber}/create": {"post": _op("create", "新增记录", REG, {
            **_ok(CONTENT_OUT), **_errors("400", "401", "403", "404", "409", "422", "429")}, _body("write", required=("write",)))},
        "/data/{registryName}/{versionNumber}/exists": {"post": _op("exists", "检查记录是否存在", REG, {
            **_ok(exists_ok), **_errors("400", "401", "403", "404", "429")}, _body("query", required=("query",)))},
        "/data/{registryName}/{versionNumber}/read": {"post": _op("read", "读取一条记录", REG, {
            **_ok(CONTENT_OUT), **_errors("400", "401", "403", "429"), **read_404}, _body("query", required=("query",)))},
        "/data/{registryName}/{versionNumber}/update": {"put": _op("update", "修改一条记录", REG, {
            **_ok(CONTENT_OUT), **_errors("400", "401", "403", "404", "409", "422", "429")}, _body("query", "write", required=("write",)))},
        "/data/{registryName}/{versionNumber}/updateEntries": {"put": _op("updateEntries", "批量修改符合条件的记录", REG, {
            **_ok({"type": "object", "properties": {"count": {"type": "integer", "description": "修改的记录数"}}}),
            **_errors("400", "401", "403", "404", "409", "422", "429")}, _body("query", "write", required=("query", "write")))},
        "/data/{registryName}/{versionNumber}/updateOrCreate": {"post": _op("updateOrCreate", "有则修改，无则新增", REG, {
            **_ok(CONTENT_OUT), **_errors("400", "401", "403", "404", "409", "422", "429")}, _body("query", "write", required=("write",)))},
        "/data/{registryName}/{versionNumber}/{ID}/delete": {"delete": _op("delete", "删除记录", REG + [_p("ID", "记录编号")], {
            "204": {"description": "已删除"}, **_errors("400", "401", "403", "404", "429")})},
        "/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}": {"get": _op(
            "readValue", "读取记录的一个字段值", REG + [_p("uuid", "记录编号或记录标识（uuid）"), _p("field", "字段名"),
                                                _p("ext", "格式，仅支持 json", {"type": "string", "enum": ["json"]})],
            {**_ok(value_ok), **_errors("400", "401", "403", "404", "429")})},
        "/data/myPersonalDataUsage": {"get": _op("DPU", "我的个人数据使用记录（谁查看过我的个人信息）", [
            MEDIATOR, _q("userId", "本人标识（记录编号、身份号码等）", {"type": "string"}, True),
            _q("databaseId", "登记簿代码", {"type": "string"}, True)],
            {**_ok({"type": "array", "items": {"$ref": "#/components/schemas/PersonalDataUsage"}}), **_errors("400", "401", "403", "404", "429")},
            tag="MyPersonalDataUsage API")},
        "/databases": {"get": _op("databases", "列出登记簿", [MEDIATOR], {
            **_ok({"$ref": "#/components/schemas/DatabasesSchema"}), **_errors("400", "401", "403", "429")}, tag="Databases")},
        "/database/{id}": {
            "get": _op("databaseRead", "读取登记簿定义（含数据结构）", [MEDIATOR, _p("id", "登记簿 ID", {"type": "integer"})], {
                **_ok({"$ref": "#/components/schemas/DatabaseInfo"}), **_errors("400", "401", "403", "404", "429")}, tag="Database API"),
            "delete": _op("databaseDelete", "删除登记簿（连同其记录）", [MEDIATOR, _p("id", "登记簿 ID", {"type": "integer"})], {
                **_ok({"type": "string", "enum": ["Success"]}), **_errors("400", "401", "403", "404", "429")}, tag="Database API"),
        },
        "/database/modify": {"post": _op("databaseModify", "定义或修改登记簿的数据结构", [MEDIATOR], {
            **_ok({"$ref": "#/components/schemas/DatabaseSchema"}), **_errors("400", "401", "403", "409", "422", "429")},
            {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["code", "schema"], "properties": {
                "groupName": {"type": "string", "maxLength": 64}, "catalogName": {"type": "string", "maxLength": 100},
                "code": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},
                "version": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$", "default": "1.0",
                            "description": "扩展：登记簿版本号（Data API 路径中的 versionNumber）"},
                "schema": {"$ref": "#/components/schemas/DatabaseSchema"}}}}}}, tag="Database API")},
    }
    components = {
        "securitySchemes": {
            "apiKey": {"type": "apiKey", "name": "Authorization", "in": "header", "description": "平台 API 密钥（可加 Bearer 前缀）"},
            "xApiKey": {"type": "apiKey", "name": "X-API-Key", "in": "header", "description": "平台 API 密钥"},
            "bearer": {"type": "http", "scheme": "bearer", "description": "平台统一身份认证签发的 OAuth 2 访问令牌"},
        },
        "parameters": {
            "Information-Mediator-Client": {"in": "header", "name": "Information-Mediator-Client", "required": True,
                                            "description": "格式：INSTANCE/CLASS/MEMBER/SUBSYSTEM", "schema": {"type": "string"},
                                            "example": "eGovStack/GOV/90000009/digitalregistries"},
            "registryName": {"in": "path", "name": "registryName", "required": True, "schema": {"type": "string"}},
            "versionNumber": {"in": "path", "name": "versionNumber", "required": True, "schema": {"type": "string"}},
        },
        "schemas": {
            "ErrorBody": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string", "description": "中文说明"}, "detail": {}}},
            "Content": {"type": "object", "additionalProperties": True,
                        "description": "一条记录：字段由登记簿的数据结构定义（GET /database/{id}）；个人信息字段默认脱敏"},
            "DatabaseSchema": {"type": "object", "description": "登记簿的数据结构（JSON Schema draft 7，可用 primaryKey、personal 标注字段）",
                               "properties": {"type": {"type": "string"}, "properties": {"type": "object"},
                                              "required": {"type": "array", "items": {"type": "string"}}}},
            "DatabaseInfo": {"type": "object", "properties": {
                "id": {"type": "integer"}, "version": {"type": "string"}, "name": {"type": "string"},
                "description": {"type": "string"}, "institution": {"type": "string"}, "numberFormat": {"type": "string"},
                "schema": {"$ref": "#/components/schemas/DatabaseSchema"},
                "schemaTags": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "path": {"type": "string"}, "isFulltext": {"type": "boolean"}}}},
                "schemaFlags": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "path": {"type": "string"}}}},
                "fieldsUniques": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                "isDraft": {"type": "boolean"}, "isDisabled": {"type": "boolean"}, "isArchived": {"type": "boolean"},
                "modifiedAt": {"type": "string"}, "byUserName": {"type": "string"}, "byUserAuthId": {"type": "integer"},
                "byOnBehalfOfUserAuthId": {"type": "integer"},
                "genericServices": {"type": "array", "items": {"type": "object", "properties": {
                    "serviceId": {"type": "integer"}, "name": {"type": "string"}, "isVisible": {"type": "boolean"}}}},
                "dataIndexIncrement": {"type": "integer"}, "hasLogo": {"type": "boolean"}}},
            "DatabasesSchema": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "code": {"type": "string"}, "order": {"type": "integer"},
                "databases": {"type": "array", "items": {"$ref": "#/components/schemas/DatabaseInfo"}}}},
            "PersonalDataUsage": {"type": "object", "properties": {
                "id": {"type": "string"}, "readerId": {"type": "string"}, "readerInitials": {"type": "string"},
                "readerInstitutionId": {"type": "string"}, "readerInstitutionName": {"type": "string"},
                "readerApplicationName": {"type": "string"}, "searchDateTime": {"type": "string", "format": "date-time"},
                "refrences": {"type": "array", "items": {"type": "object", "properties": {"ReferenceID": {"type": "string"}}}}}},
        },
    }
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "DigiGov · GovStack Digital Registries", "version": "1.3.0",
                 "description": "GovStack 数字登记簿构件 Data API 与 Database API 1.3.0 的实现。错误返回 {code, message, detail}。"},
        "paths": paths,
        "components": components,
    }
    if server:
        doc["servers"] = [{"url": server}]
    return doc
