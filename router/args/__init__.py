"""Argument filling: schema-driven extraction of a tool's arguments from the conversation.

Layers, in order: typed extractors over the last user turn (enums, numbers with units, booleans,
dates, quoted strings, emails, URLs, phones, free-text spans guided by the parameter's name and
description), earlier user turns and tool results for what is still unfilled ("context"), schema
defaults, then an optional LLM that sees only the chosen tool. Everything is validated with
jsonschema; a required value the conversation does not support is reported in ``missing``.
"""

from router.args.fill import ArgsLLM, fill_arguments

__all__ = ["ArgsLLM", "fill_arguments"]
