"""The router's two encoder backends side by side: start-up, per-query latency, same vectors.

``router.encoder.Encoder`` is sentence-transformers on torch: importing both costs most of the start-up,
and one query embedding is most of a routing decision. ``router.onnx_encoder.OnnxEncoder`` runs the same
MiniLM exported to ONNX with ``onnxruntime`` + ``tokenizers`` (no torch at serving time). Each is
cold-started in a fresh interpreter from a cached export (the ONNX encoder at 1 and 2 intra-op threads).
Optional: needs ``onnx`` (export) and ``onnxruntime``.

``python -m bench.encoders`` prints the comparison as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.stats import summary


def _queries(n: int) -> list[str]:
    from bench.inprocess import _metatool

    return _metatool()[1][:n]


def _child(kind: str, onnx_path: str, n: int) -> dict[str, Any]:
    """Runs in a fresh interpreter: cold start (imports + load + first query), then per-query latency.

    ``kind``: ``sentence_transformers``, or ``onnx`` / ``onnx_2_threads`` (``onnx_path``: the cached export).
    """
    t0 = time.perf_counter()
    encoder: Any
    if kind.startswith("onnx"):
        from router.onnx_encoder import OnnxEncoder

        encoder = OnnxEncoder(onnx_path=onnx_path, num_threads=2 if kind == "onnx_2_threads" else 1)
    else:
        from router.encoder import Encoder

        encoder = Encoder(num_threads=1)
    encode = encoder.encode
    encode(["warm up"])
    cold = time.perf_counter() - t0
    qs = _queries(n + 60)
    lat, cpu = [], []
    for q in qs[:n]:
        s, c = time.perf_counter(), time.process_time()
        encode([q])
        lat.append((time.perf_counter() - s) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    vecs = encode(qs[n:n + 60])
    return {"cold_start_s": cold, "latency": summary(lat), "cpu_p50": summary(cpu)["p50"],
            "vectors": np.asarray(vecs).tolist()}


def compare(n: int = 200) -> dict[str, Any]:
    """Torch encoder vs ONNX Runtime, each in its own interpreter; raises ImportError without onnx/onnxruntime.

    The export (with its check against sentence-transformers) goes to a temporary cache, so its time is
    the first-start cost of the ONNX backend."""
    import onnx  # noqa: F401  (export needs it)
    import onnxruntime  # noqa: F401

    from router.onnx_encoder import CACHE_DIR_ENV, ensure_onnx

    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        previous = os.environ.get(CACHE_DIR_ENV)
        os.environ[CACHE_DIR_ENV] = tmp
        try:
            t0 = time.perf_counter()
            path = ensure_onnx()
            export_s = time.perf_counter() - t0
        finally:
            if previous is None:
                os.environ.pop(CACHE_DIR_ENV, None)
            else:
                os.environ[CACHE_DIR_ENV] = previous
        runs = {}
        for kind in ("sentence_transformers", "onnx", "onnx_2_threads"):
            proc = subprocess.run([sys.executable, "-m", "bench.encoders", "child", kind, str(path), str(n)],
                                  env=env, capture_output=True, text=True, timeout=600, check=True,
                                  cwd=Path(__file__).resolve().parents[1])
            runs[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
    a = np.array(runs["sentence_transformers"].pop("vectors"))
    b = np.array(runs["onnx"].pop("vectors"))
    runs["onnx_2_threads"].pop("vectors")
    return {"export_s": export_s, **runs, "cosine_min": float((a * b).sum(1).min())}


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(compare(), indent=2))
