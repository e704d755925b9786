"""Personal data encrypted at rest: a model field any app can use, with a blind index for exact lookup.

    class NaturalPerson(VoidableModel):
        id_number = EncryptedTextField("公民身份号码", max_length=18)
        id_number_bidx = BlindIndexField(source="id_number", unique=True)
        objects = EncryptedQuerySet.as_manager()

    NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", "210602199001011234"))  # indexed
    NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", [a, b]))                 # __in
    User.objects.filter(blind(NaturalPerson, "id_number", value, prefix="person__"))        # across a relation

The column holds an SM4-GCM envelope (``digigov.security.keys.api.seal``: key version ‖ nonce ‖ ciphertext ‖
tag) whose associated data is ``table.column``, so a value copied into another column or table does not
decrypt. For every reader the attribute stays a plain ``str`` (models, forms, templates, the API, ``values()``):
encryption happens when the value goes to the database, decryption when it comes back. An empty value is
stored as empty bytes (there is nothing to hide, and nothing to decrypt).

Encryption is randomised, so the database cannot compare encrypted values: exact lookup goes through the
companion ``BlindIndexField`` (HMAC-SM3 of the normalised value under the ``pii.blind_index`` key, in its own
indexed column, computed on save) with ``blind()``. Any other lookup on an encrypted field (``exact``,
``startswith``, ``icontains`` …) and ordering by it raise ``FieldError`` instead of silently matching nothing.

Core cannot import the security layer: the cipher is whatever ``registry.register_field_cipher`` was given
(the key store does it in its ``ready()``), behind the small ``FieldCipher`` interface below.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Protocol

from django.core import checks
from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from . import registry

DEFAULT_PURPOSE = "pii"
BLIND_INDEX_PURPOSE = "pii.blind_index"


class FieldCipher(Protocol):
    def seal(self, purpose: str, plaintext: bytes, aad: bytes) -> bytes: ...

    def unseal(self, purpose: str, blob: bytes, aad: bytes) -> bytes: ...

    def sealer(self, purpose: str, aad: bytes) -> Callable[[bytes], bytes]:
        """Seal many values under one key version (bulk inserts, migrations, re-encryption)."""

    def blind_indexer(self) -> Callable[[bytes], bytes]:
        """HMAC under the blind-index key (one key lookup for many values)."""

    def blob_version(self, blob: bytes) -> int: ...

    def active_version(self, purpose: str) -> int: ...


def cipher() -> FieldCipher:
    return registry.field_cipher()


def normalize(value: str) -> str:
    """What the blind index hashes: surrounding blanks dropped, letters upper-cased (the ``X`` of an ID number)."""
    return (value or "").strip().upper()


def aad_for(table: str, column: str) -> bytes:
    return f"{table}.{column}".encode()


def seal_text(table: str, column: str, value: str, purpose: str = DEFAULT_PURPOSE) -> bytes:
    if not value:
        return b""
    return cipher().seal(purpose, value.encode(), aad_for(table, column))


def unseal_text(table: str, column: str, blob, purpose: str = DEFAULT_PURPOSE) -> str:
    if blob is None:
        return ""
    blob = bytes(blob)
    if not blob:
        return ""
    return cipher().unseal(purpose, blob, aad_for(table, column)).decode()


def blind_digest(table: str, column: str, value: str) -> bytes | None:
    return BulkBlindIndex(table, column)(value)


class BulkSealer:
    """Encrypt many rows' values of one column with one key lookup (bulk inserts, the data migration)."""

    def __init__(self, table: str, column: str, purpose: str = DEFAULT_PURPOSE):
        self._seal = cipher().sealer(purpose, aad_for(table, column))

    def __call__(self, value: str) -> bytes:
        return self._seal(value.encode()) if value else b""


class BulkBlindIndex:
    """The blind index of one column's values, the key looked up once. The only place its input is formed:
    the column is part of what is hashed, so equal values in two columns get unrelated index values."""

    def __init__(self, table: str, column: str):
        self._hmac = cipher().blind_indexer()
        self._prefix = f"{table}.{column}\0"

    def __call__(self, value: str) -> bytes | None:
        return self._hmac((self._prefix + normalize(value)).encode()) if value else None


class EncryptedTextField(models.BinaryField):
    """Text stored SM4-GCM encrypted; reads back as ``str``. ``max_length`` limits the clear text."""

    description = "加密文本（SM4-GCM）"
    allowed_lookups = frozenset({"isnull"})

    def __init__(self, *args, purpose: str = DEFAULT_PURPOSE, **kwargs):
        self.purpose = purpose
        kwargs.setdefault("editable", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.purpose != DEFAULT_PURPOSE:
            kwargs["purpose"] = self.purpose
        if kwargs.get("editable") is True:
            del kwargs["editable"]
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index:
            errors.append(checks.Error("加密字段不能建唯一约束或索引（密文随机）：用 BlindIndexField", obj=self, id="pii.E001"))
        return errors

    def _check_str_default_value(self):  # the clear value is text: a str default is right here
        return []

    @property
    def aad(self) -> bytes:
        aad = self.__dict__.get("_aad")
        if aad is None:
            aad = self.__dict__["_aad"] = aad_for(self.model._meta.db_table, self.column)
        return aad

    def get_internal_type(self):
        return "BinaryField"

    def get_default(self):
        return ""

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        raise ValueError("加密字段的值应为文本")

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None if self.null else ""
        blob = bytes(value)
        if not blob:
            return ""
        return cipher().unseal(self.purpose, blob, self.aad).decode()

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"加密字段 {self.name} 只接受文本，收到 {type(value).__name__}")
        blob = cipher().seal(self.purpose, value.encode(), self.aad) if value else b""
        return connection.Database.Binary(blob)

    def value_to_string(self, obj):  # serialisation (dumpdata): the clear text would leak; keep it sealed
        return "[加密]"

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(max_length=self.max_length, required=not self.blank, label=self.verbose_name, **kwargs)

    def get_lookup(self, lookup_name):
        if lookup_name not in self.allowed_lookups:
            raise FieldError(f"加密字段“{self.verbose_name}”（{self.name}）不能按 {lookup_name} 查询：密文是随机的，"
                             f"精确查找请用 digigov.core.pii.blind()；前缀、包含和排序都不支持")
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"加密字段“{self.verbose_name}”（{self.name}）不支持 {lookup_name}")


class EncryptedJSONField(EncryptedTextField):
    """A JSON document (dict or list) stored SM4-GCM encrypted as one blob; reads back as the document.
    For what applicants submit and what a running process carries (form answers, case data, workflow
    state): it holds ID numbers, names and addresses, and nothing in it is ever searched by the database.
    The same key purpose, rotation and re-encryption as ``EncryptedTextField`` (they work on the blob)."""

    description = "加密 JSON（SM4-GCM）"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("max_length", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            del kwargs["default"]
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def get_default(self):
        return self.default() if callable(self.default) else self.default

    def to_python(self, value):
        if value is None or isinstance(value, (dict, list)):
            return value
        if isinstance(value, str):
            return json.loads(value) if value else {}
        raise ValueError("加密 JSON 字段的值应为字典或列表")

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None if self.null else {}
        blob = bytes(value)
        if not blob:
            return {}
        return json.loads(cipher().unseal(self.purpose, blob, self.aad).decode())

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if not isinstance(value, (dict, list)):
            raise TypeError(f"加密 JSON 字段 {self.name} 只接受字典或列表，收到 {type(value).__name__}")
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
        return connection.Database.Binary(cipher().seal(self.purpose, text.encode(), self.aad))

    def formfield(self, **kwargs):
        from django import forms

        return forms.JSONField(required=not self.blank, label=self.verbose_name, **kwargs)


class BlindIndexField(models.BinaryField):
    """HMAC-SM3 of ``source``'s normalised value, set on every save: the exact-lookup index of an encrypted field."""

    description = "盲索引（HMAC-SM3）"

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("null", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("null") is True:
            del kwargs["null"]
        return name, path, args, kwargs

    def source_field(self) -> EncryptedTextField:
        return self.model._meta.get_field(self.source)

    def pre_save(self, model_instance, add):
        src = self.source_field()
        digest = blind_digest(self.model._meta.db_table, src.column, getattr(model_instance, src.attname) or "")
        setattr(model_instance, self.attname, digest)
        return digest


_BIDX: dict = {}


def _bidx_field(model, name: str) -> BlindIndexField:
    found = _BIDX.get((model, name))
    if found is not None:
        return found
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source == name:
            _BIDX[(model, name)] = f
            return f
    raise FieldError(f"{model.__name__}.{name} 没有盲索引，不能按值查找")


def blind(model, name: str, value: str | Iterable[str], *, prefix: str = "") -> Q:
    """The condition "``model.name`` equals ``value``" (or is one of the values), as a lookup of its blind
    index: an indexed equality on the HMAC column, never a scan."""
    f = _bidx_field(model, name)
    src = f.source_field()
    table = model._meta.db_table
    if isinstance(value, str):
        digest = blind_digest(table, src.column, value)
        return Q(**{f"{prefix}{f.name}": digest}) if digest is not None else Q(pk__in=[])
    index = BulkBlindIndex(table, src.column)
    digests = [d for d in (index(v) for v in value) if d is not None]
    return Q(**{f"{prefix}{f.name}__in": digests})


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


_ENCRYPTED_NAMES: dict = {}


class EncryptedQuerySetMixin:
    """Refuse ordering by an encrypted field (the database would sort random ciphertext)."""

    def order_by(self, *field_names):
        names = _ENCRYPTED_NAMES.get(self.model)
        if names is None:
            names = _ENCRYPTED_NAMES[self.model] = frozenset(f.name for f in encrypted_fields(self.model))
        for n in field_names:
            if isinstance(n, str) and n.lstrip("-?") in names:
                raise FieldError(f"不能按加密字段 {n.lstrip('-?')} 排序：数据库里只有密文")
        return super().order_by(*field_names)


def all_encrypted_columns() -> list[tuple[Any, EncryptedTextField]]:
    """Every (model, field) of every installed app that stores encrypted text (re-encryption, coverage)."""
    from django.apps import apps

    return [(m, f) for m in apps.get_models() if not m._meta.proxy and m._meta.managed for f in encrypted_fields(m)]
