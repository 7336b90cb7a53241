"""Managed tools used by config.example.yaml, so a fresh install routes something real."""

from __future__ import annotations

import ast
import datetime as dt
import operator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.Mod: operator.mod, ast.USub: operator.neg, ast.UAdd: operator.pos}


def current_time(timezone: str = "UTC") -> str:
    """The current date and time in an IANA timezone."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {timezone!r}"
    return dt.datetime.now(zone).isoformat(timespec="seconds")


def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression safely (numbers and + - * / ** % only)."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            if isinstance(node.op, ast.Pow) and abs(ev(node.right)) > 100:
                raise ValueError("exponent too large")
            return _OPS[type(node.op)](ev(node.left), ev(node.right))  # type: ignore[operator]
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))  # type: ignore[operator]
        raise ValueError(f"unsupported expression element {type(node).__name__}")

    return str(ev(ast.parse(expression.replace("^", "**"), mode="eval")))
