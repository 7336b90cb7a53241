"""Benchmarks: toolproxy vs the LiteLLM proxy vs a direct call, router latency, recording cost.

Run ``python -m bench`` (``--quick`` for a one-minute smoke run); see bench/README.md.
"""
