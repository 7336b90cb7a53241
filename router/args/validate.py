"""Safe type coercion and JSON Schema validation of filled arguments."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from router.args.params import schema_type

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Convert ``value`` toward the schema's type where that loses nothing ("59" -> 59, "yes" -> True)."""
    kind = schema_type(schema) if schema else None
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(?:\.0+)?\s*", value):
            return int(float(value))
    elif kind == "number":
        if isinstance(value, str):
            try:
                number = float(value.replace(",", ""))
            except ValueError:
                return value
            return int(number) if number.is_integer() and "." not in value else number
    elif kind == "boolean":
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
    elif kind == "string":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    elif kind == "array":
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        if not isinstance(value, list):
            value = [value]
        items = schema.get("items")
        return [coerce(v, items) for v in value] if isinstance(items, dict) else value
    elif kind == "object" and isinstance(value, dict):
        properties = schema.get("properties") or {}
        return {
            k: coerce(v, properties[k]) if isinstance(properties.get(k), dict) else v
            for k, v in value.items()
        }
    return value


# Python-style type names that tool schemas written from Python signatures use in place of JSON
# Schema's ("dict", "float", "tuple", "any"); jsonschema rejects the whole schema for one of them
TYPE_ALIASES = {
    "dict": "object", "map": "object", "float": "number", "double": "number", "decimal": "number",
    "int": "integer", "long": "integer", "str": "string", "text": "string", "bool": "boolean",
    "list": "array", "tuple": "array", "set": "array", "none": "null", "nonetype": "null",
}
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONES = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames")


def _standard_type(kind: Any) -> Any:
    """A JSON Schema type for ``kind``, ``None`` for "any" (no constraint); lists map item by item."""
    if isinstance(kind, list):
        kinds = [k for k in (_standard_type(k) for k in kind) if k is not None]
        return kinds if len(kinds) == len(kind) else None
    if not isinstance(kind, str):
        return kind
    lowered = kind.strip().lower()
    if lowered == "any":
        return None
    return TYPE_ALIASES.get(lowered, kind)


def standard_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with Python-style type names mapped to JSON Schema's, in every sub-schema.

    "dict" -> object, "float" -> number, "tuple" / "list" -> array, "any" -> no type; a list-valued
    ``items`` (the old tuple form) becomes ``prefixItems``. Returns ``schema`` itself when nothing
    needs changing, so a standard schema costs one walk.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = dict(schema)
    changed = False
    if "type" in schema:
        kind = _standard_type(schema["type"])
        if kind is None:
            del out["type"]
            changed = True
        elif kind != schema["type"]:
            out["type"] = kind
            changed = True
    for key in _SCHEMA_MAPS:
        value = schema.get(key)
        if isinstance(value, dict):
            mapped = {k: standard_schema(v) if isinstance(v, dict) else v for k, v in value.items()}
            if any(mapped[k] is not value[k] for k in value):
                out[key], changed = mapped, True
    for key in _SCHEMA_LISTS:
        value = schema.get(key)
        if isinstance(value, list):
            mapped_list = [standard_schema(v) if isinstance(v, dict) else v for v in value]
            if any(a is not b for a, b in zip(mapped_list, value, strict=True)):
                out[key], changed = mapped_list, True
    for key in _SCHEMA_ONES:
        value = schema.get(key)
        if isinstance(value, dict):
            mapped_one = standard_schema(value)
            if mapped_one is not value:
                out[key], changed = mapped_one, True
        elif key == "items" and isinstance(value, list):
            del out["items"]
            out["prefixItems"] = [standard_schema(v) if isinstance(v, dict) else v for v in value]
            changed = True
    return out if changed else schema


@functools.lru_cache(maxsize=2048)
def _schema_error(schema_json: str) -> str | None:
    """Checking a schema against its meta-schema costs milliseconds; tools repeat, so memoise."""
    schema = json.loads(schema_json)
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        return f"invalid schema: {exc.message}"
    return None


class SchemaCheck:
    """Validates values against a tool schema and its sub-schemas; the schema is checked once.

    Draft 2020-12 unless the schema declares ``$schema``; ``$ref`` in sub-schemas resolves against
    the tool schema. Build one per ``fill_arguments`` call (validators are cached per sub-schema).
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        cls = validator_for(schema, default=Draft202012Validator)
        try:
            self.schema_error = _schema_error(json.dumps(schema, sort_keys=True, default=str))
        except (TypeError, ValueError) as exc:
            self.schema_error = f"invalid schema: {exc}"
        self._root = cls(schema)
        self._validators: dict[int, Any] = {id(schema): self._root}

    def errors(self, instance: Any, schema: dict[str, Any]) -> list[str]:
        """Human-readable errors ("unit: 'kelvin' is not one of [...]"), empty when valid."""
        if self.schema_error:
            return [self.schema_error]
        try:
            found = sorted(self._validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
        except Exception as exc:  # a broken $ref or format checker inside the schema
            return [f"invalid schema: {exc}"]
        errors = []
        for error in found:
            path = "/".join(str(p) for p in error.absolute_path)
            errors.append(f"{path}: {error.message}" if path else error.message)
        return errors

    def is_valid(self, instance: Any, schema: dict[str, Any]) -> bool:
        if self.schema_error:
            return False
        try:
            return bool(self._validator(schema).is_valid(instance))
        except Exception:  # a broken $ref or format checker inside the schema
            return False

    def _validator(self, schema: dict[str, Any]) -> Any:
        validator = self._validators.get(id(schema))
        if validator is None:
            validator = self._validators[id(schema)] = self._root.evolve(schema=schema)
        return validator
