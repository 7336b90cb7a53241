"""Run every eval set against one checkpoint and write a summary.

    python evals/run_all.py [--checkpoint PATH] [--out evals/results] [--only NAME ...] [--limit N]

Sets (see evals/README.md for how each was made):
- ``metatool_test``: the held-out MetaTool split (199 tools, whole catalogue offered) — seen catalogue;
- ``metatool_near`` / ``metatool_far``: the same queries offered the gold tool and its 4 nearest tools
  (MetaTool's "similar choices"), mixed with the 4 nearest alone or 4 unrelated tools (its "reliability"
  setting: NONE is right); ``evals/build_metatool_sets.py``;
- ``<corpus>_near`` / ``<corpus>_far`` for api_bank and callnavi (corpora held out of the default
  checkpoint's training): the handful rows (gold + 4 similar tools) mixed with the same conversations
  offering the 4 similar tools alone (near) or 4 unrelated tools (far), where NONE is right.
  ``tool_accuracy`` / ``tool_choice_accuracy`` / ``answerable_routed`` come from the handful rows,
  ``none_recall`` from the NONE rows;
- ``<corpus>_single``: one tool offered, the gold one (route it) or an unrelated one (NONE);
- ``assistant_chat``: the hand-written assistant set (follow-ups, negations, chit-chat);
- ``near_domain``: hand-written requests next to one domain's tools, half of which no offered tool serves
  (explain / advise, a sibling object or quantity; ``evals/build_near_domain.py``);
- ``functions``: hand-written requests for everyday developer functions (math, finance, conversions,
  bookings) with the acceptable value of every argument (``evals/build_functions.py``);
- ``functions_near``: the same tool rows, each offered with the two functions of the set most similar to its own.

A checkpoint that learned every MetaTool query (the shipped default: ``DEFAULT_SEEN`` in router/train.py)
has seen ``evals/metatool/test.jsonl``: its ``metatool_*`` rows are marked ``"held_out": false`` and a
note is printed. Build the same recipe on the split to measure it:
``python -m router.train --default DIR --finetune-steps 0 --encoder-lora default --seen-split``.

Each set gets ``<out>/<name>/`` with metrics.json, predictions.jsonl and the PNG plots;
``<out>/summary.json`` and ``<out>/SUMMARY.md`` hold the key numbers of all sets.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
METATOOL_TOOLS = "/work/shared/data/metatool/metatool_tools.json"

SETS: dict[str, tuple[list[str], str | None]] = {
    "metatool_test": ([str(HERE / "metatool" / "test.jsonl")], METATOOL_TOOLS),
    **{
        f"metatool_{name}": ([str(HERE / "metatool" / "similar.jsonl"), str(HERE / "metatool" / f"drop_{name}.jsonl")],
                             METATOOL_TOOLS)
        for name in ("near", "far")
    },
    **{
        f"{corpus}_{name}": (
            [
                str(HERE / "unseen" / f"{corpus}_handful.jsonl.gz"),
                str(HERE / "unseen" / f"{corpus}_{none}.jsonl.gz"),
            ],
            None,
        )
        for corpus in ("api_bank", "callnavi")
        for name, none in (("near", "none"), ("far", "none_far"))
    },
    **{f"{corpus}_single": ([str(HERE / "unseen" / f"{corpus}_single.jsonl.gz")], None)
       for corpus in ("api_bank", "callnavi")},
    "assistant_chat": ([str(HERE / "assistant_chat.jsonl")], None),
    "near_domain": ([str(HERE / "near_domain.jsonl")], None),
    "functions": ([str(HERE / "functions_chat.jsonl")], None),
    "functions_near": ([str(HERE / "functions_near.jsonl")], None),
}

COLUMNS = (
    "n",
    "accuracy",
    "tool_accuracy",
    "tool_choice_accuracy",
    "answerable_routed",
    "none_recall",
    "none_precision",
    "coverage",
    "precision",
    "coverage_at_precision_98",
    "args_coverage",
    "args_exact",
    "latency_ms_p50",
    "latency_ms_p99",
)


def sample_files(files: list[str], limit: int, seed: int, tmp: Path) -> list[str]:
    """Each file cut to ``limit`` seeded-random rows (for quick runs)."""
    from router.evalsets import iter_jsonl

    tmp.mkdir(parents=True, exist_ok=True)
    out = []
    for i, path in enumerate(files):
        rows = [row for _, row in iter_jsonl(path)]
        rows = random.Random(seed).sample(rows, min(limit, len(rows)))
        target = tmp / f"{i}.jsonl"
        target.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        out.append(str(target))
    return out


def markdown(summary: dict[str, dict[str, Any]]) -> str:
    def cell(key: str, value: Any) -> str:
        if value is None:
            return "—"
        if key.startswith("latency"):
            return f"{value:.1f}"
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| set | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for name, metrics in summary.items():
        label = f"{name} (seen in training)" if metrics.get("held_out") is False else name
        lines.append(f"| {label} | " + " | ".join(cell(k, metrics.get(k)) for k in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from router.evaluate import evaluate_files, load_filler, load_router, print_metrics

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", default=None, help="checkpoint dir (default: the shipped one)")
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--encoder-backend", default="auto", choices=("auto", "onnx", "onnx-int8", "torch"))
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--only", nargs="*", default=None, choices=sorted(SETS))
    parser.add_argument("--limit", type=int, default=None, help="rows per file (seeded sample)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    router = load_router(args.encoder, args.checkpoint, args.encoder_backend)
    saw_metatool_test = "metatool" in (router.checkpoint.metadata.get("config") or {}).get("corpora", [])
    if saw_metatool_test:
        print("note: this checkpoint learned every MetaTool query, evals/metatool/test.jsonl included: its "
              "metatool_* rows are not held out (build with --seen-split to measure the recipe)")
    fill = load_filler()
    summary: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()  # conversations this router has embedded: repeats are cache hits, not timed
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or list(SETS):
            files, tools = SETS[name]
            if args.limit:
                files = sample_files(files, args.limit, args.seed, Path(tmp) / name)
            started = time.perf_counter()
            metrics = evaluate_files(router, files, tools, str(out / name), fill=fill, seen=seen)
            metrics["eval_seconds"] = round(time.perf_counter() - started, 1)
            if name.startswith("metatool"):
                metrics["held_out"] = not saw_metatool_test
            print_metrics(metrics, title=name)
            summary[name] = metrics
    out.mkdir(parents=True, exist_ok=True)
    previous = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    summary = previous | summary
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out / "SUMMARY.md").write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))


if __name__ == "__main__":
    main()
