"""Display conditions (form-js ``conditional.hide``): a small, safe subset of FEEL, tokenised and parsed by a
recursive-descent parser into a tree that is then evaluated — nothing is ever handed to ``eval``.

Supported (``=`` prefix as form-js writes it)::

    =field = "value"          =amount >= 1000         =not(married)
    =a = "x" and b != null    =(a or b) and c = 3     =applicant.kind = "agent"

Literals: strings in double quotes, numbers, ``true``, ``false``, ``null``. Names: field keys, dotted for
fields in a group with a path; inside a repeating group a name is looked up in the row first, then in the
whole form. Operators: ``= != < <= > >=``, ``and``, ``or``, ``not(…)``, parentheses.

Semantics follow FEEL's three-valued logic: comparing values of different types gives ``null``; a field is
hidden only when its condition is ``true``. Anything else raises ``ConditionError`` with a Chinese message.

``parse(text)`` → tree (raises ``ConditionError``); ``evaluate(text, item, root)`` → True / False / None.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 20


class ConditionError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""", re.VERBOSE)
KEYWORDS = {"and", "or", "not", "true", "false", "null"}


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ConditionError(f"第 {pos + 1} 个字符“{text[pos]}”无法识别")
        kind = m.lastgroup
        if kind != "ws":
            value = m.group()
            if kind == "name" and value in KEYWORDS:
                kind = value
            out.append(Tok(kind, value, pos))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Lit:
    value: object


@dataclass(frozen=True)
class Name:
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Cmp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class BoolOp:
    op: str  # and / or
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


class _Parser:
    def __init__(self, tokens: list[Tok]):
        self.toks = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str) -> Tok:
        tok = self.peek()
        if tok is None or tok.kind != kind:
            want = {"rparen": "“)”", "lparen": "“(”"}.get(kind, kind)
            raise ConditionError(f"缺少{want}" if tok is None else f"第 {tok.pos + 1} 个字符处应为{want}")
        self.i += 1
        return tok

    def nest(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError("条件嵌套过深")

    def expr(self):
        self.nest()
        items = [self.conj()]
        while (t := self.peek()) and t.kind == "or":
            self.i += 1
            items.append(self.conj())
        self.depth -= 1
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def conj(self):
        items = [self.comparison()]
        while (t := self.peek()) and t.kind == "and":
            self.i += 1
            items.append(self.comparison())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def comparison(self):
        left = self.unary()
        t = self.peek()
        if t and t.kind == "op":
            self.i += 1
            right = self.unary()
            nxt = self.peek()
            if nxt and nxt.kind == "op":
                raise ConditionError(f"第 {nxt.pos + 1} 个字符处：比较不能连写，请用 and 连接")
            return Cmp(t.text, left, right)
        return left

    def unary(self):
        t = self.peek()
        if t is None:
            raise ConditionError("条件不完整")
        if t.kind == "not":
            self.i += 1
            self.take("lparen")
            inner = self.expr()
            self.take("rparen")
            return Not(inner)
        if t.kind == "lparen":
            self.i += 1
            inner = self.expr()
            self.take("rparen")
            return inner
        self.i += 1
        if t.kind == "string":
            return Lit(_unquote(t.text))
        if t.kind == "number":
            return Lit(float(t.text) if "." in t.text else int(t.text))
        if t.kind in ("true", "false"):
            return Lit(t.kind == "true")
        if t.kind == "null":
            return Lit(None)
        if t.kind == "name":
            return Name(tuple(t.text.split(".")))
        raise ConditionError(f"第 {t.pos + 1} 个字符处的“{t.text}”不能出现在这里")


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse(text) -> object:
    """The tree of a condition such as ``=kind = "agent"``; ``ConditionError`` (Chinese) for anything outside the subset."""
    if not isinstance(text, str):
        raise ConditionError("条件应为文本")
    return _parse(text)


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> object:
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"条件不能超过 {MAX_LENGTH} 个字符")
    body = text.strip()
    if not body.startswith("="):
        raise ConditionError("条件应以“=”开头，如 =type = \"个人\"")
    tokens = tokenize(body[1:])
    if not tokens:
        raise ConditionError("条件为空")
    p = _Parser(tokens)
    tree = p.expr()
    if p.peek() is not None:
        t = p.peek()
        raise ConditionError(f"“{t.text}”多余（第 {t.pos + 1} 个字符处）")
    return tree


def names(text: str) -> set[str]:
    """The field names a condition reads."""
    out: set[str] = set()

    def walk(n):
        if isinstance(n, Name):
            out.add(".".join(n.parts))
        elif isinstance(n, Cmp):
            walk(n.left), walk(n.right)
        elif isinstance(n, BoolOp):
            for i in n.items:
                walk(i)
        elif isinstance(n, Not):
            walk(n.item)

    walk(parse(text))
    return out


def _lookup(parts, scope):
    cur = scope
    for p in parts:
        if not isinstance(cur, dict) or p not in cur:
            return None, False
        cur = cur[p]
    return cur, True


def _kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "num"
    if isinstance(v, str):
        return "str"
    return "other"


def _eval(n, item: dict, root: dict):
    if isinstance(n, Lit):
        return n.value
    if isinstance(n, Name):
        v, found = _lookup(n.parts, item)
        if not found and item is not root:
            v, _ = _lookup(n.parts, root)
        return None if v == "" else v
    if isinstance(n, Not):
        v = _eval(n.item, item, root)
        return (not v) if isinstance(v, bool) else None
    if isinstance(n, BoolOp):
        vals = [_eval(i, item, root) for i in n.items]
        if n.op == "and":
            if any(v is False for v in vals):
                return False
            return True if all(v is True for v in vals) else None
        if any(v is True for v in vals):
            return True
        return False if all(v is False for v in vals) else None
    if isinstance(n, Cmp):
        a, b = _eval(n.left, item, root), _eval(n.right, item, root)
        ka, kb = _kind(a), _kind(b)
        if n.op in ("=", "!="):
            if ka == "null" or kb == "null":
                same = ka == kb
            elif ka != kb:
                return None
            else:
                same = a == b
            return same if n.op == "=" else not same
        if ka != kb or ka not in ("num", "str"):
            return None
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[n.op]
    return None


def evaluate(text: str, item: dict | None = None, root: dict | None = None):
    """True / False / None (FEEL null) for a condition over the answers; ``item`` is a repeating group's row."""
    root = root if isinstance(root, dict) else {}
    item = item if isinstance(item, dict) else root
    result = _eval(parse(text), item, root)
    return result if isinstance(result, bool) else None  # a bare value ("=name") is no condition: FEEL null
