"""Implementing codes for the items the application demo lists when the catalog's data is absent (this
branch alone). GB/T 39554.1 shape: basic code + division + department + business item."""


def item_code(n: int) -> str:
    return f"11210600MB{n:04d}D{n:05d}"
