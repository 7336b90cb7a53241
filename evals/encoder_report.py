"""What an encoder alone does on the unseen sets, and how the full router treats small talk.

    python evals/encoder_report.py [--checkpoint DIR]

For the checkpoint's encoder (its LoRA deltas merged in, if any; the shipped default otherwise):
- ``choice``: on the handful rows, how often the gold tool has the highest raw cosine among the 5;
- ``auroc``: how well the highest raw cosine separates answerable rows (handful) from rows where no
  offered tool fits (none_far);
- ``small_talk_confident_none``: of 12 small-talk prompts, offered the e2e tests' tools (get_weather
  with two examples, get_stock_price, add), how many the full router answers NONE above its threshold.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
SMALL_TALK = [
    "Can you write a two-line poem about autumn leaves?", "Write a haiku about love",
    "Write a limerick about a cat", "What's the capital of France?", "Give me a recipe for pancakes",
    "Write a two-line poem about the sea", "Explain quantum entanglement simply", "Who painted the Mona Lisa?",
    "Can you help me write a cover letter?", "What's a good name for a puppy?",
    "Tell me about the history of Rome", "How do I center a div in CSS?",
]


def max_cosines(router, corpus_file: Path) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Per row: cosines of the raw (un-adapted) query vector to each offered tool, and the gold mask."""
    from router.context import build_context
    from router.encoder import tool_text
    from router.evalsets import load_cases
    from router.model import normalize

    enc = router.encoder
    best, gold_first = [], []
    for case in load_cases([corpus_file]):
        ctx = build_context(case.messages)
        q = enc.encode([ctx.last])[0]
        if ctx.window_weight > 0:
            q = normalize(q + ctx.window_weight * enc.encode([ctx.window])[0])
        cos = enc.encode([tool_text(t) for t in case.tools]) @ q
        best.append(float(cos.max()))
        gold_first.append(case.tools[int(np.argmax(cos))].name in case.gold)
    return np.array(best), np.array(gold_first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", default=None)
    args = parser.parse_args()
    from router.evaluate import load_router
    from router.types import ToolSpec

    router = load_router(None, args.checkpoint)
    out: dict[str, object] = {"checkpoint": args.checkpoint or "default", "encoder": router.encoder.path}
    for corpus in ("callnavi", "api_bank"):
        pos, first = max_cosines(router, HERE / "unseen" / f"{corpus}_handful.jsonl.gz")
        neg, _ = max_cosines(router, HERE / "unseen" / f"{corpus}_none_far.jsonl.gz")
        out[f"{corpus}_choice"] = round(float(first.mean()), 3)
        out[f"{corpus}_auroc"] = round(float((pos[:, None] > neg[None, :]).mean()), 3)
    tools = [
        ToolSpec(name="get_stock_price", description="Get the latest stock price for a ticker symbol.",
                 parameters={"type": "object", "properties": {"symbol": {"type": "string"}}}),
        ToolSpec(name="get_weather", description="Get the current weather (temperature, sky) for a city.",
                 parameters={"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}}},
                 examples=("what's the weather like in Berlin?", "is it cold in Oslo today?")),
        ToolSpec(name="add", description="Add two integers.",
                 parameters={"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}),
    ]
    router.warmup(tools)
    decisions = [router.decide_query(q, tools) for q in SMALL_TALK]
    out["small_talk_confident_none"] = f"{sum(d.tool is None and d.confident for d in decisions)}/{len(SMALL_TALK)}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
