"""Fixtures shared by the router tests that train with the real encoder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.encoder import Encoder  # noqa: E402


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """The shipped MiniLM on one thread (test_router.py keeps its own default-threads one)."""
    return Encoder(num_threads=1)
