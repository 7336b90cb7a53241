"""How well the router ranks "some offered tool is needed" against "no offered tool fits".

For each unseen corpus: the answerable ``<corpus>_handful`` rows against the ``<corpus>_none_far`` rows
(the same conversations offering 4 unrelated tools). Two scores, each higher = more NONE-like:
the head's log P(NONE) - log P(some tool), and minus the best raw cosine to a tool's text. Prints
AUROC and the NONE recall at the bar that routes 90 / 95 / 97 % of the answerable rows, and where
the router's own decision lands. Rows after a tool result (NONE by rule) are left out.

    python evals/none_curve.py [--checkpoint DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from router.context import build_context  # noqa: E402
from router.evalsets import load_cases  # noqa: E402
from router.lexical import overlap  # noqa: E402
from router.router import Router  # noqa: E402
from router.types import RouterOptions  # noqa: E402

UNSEEN = ROOT / "evals" / "unseen"
ROUTED = (0.90, 0.95, 0.97)


def scores(router: Router, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per routable row: head NONE score, -best cosine, and whether the router said NONE."""
    head, cos, said_none = [], [], []
    for case in load_cases([path]):
        ctx = build_context(case.messages, router.options.context_turns)
        if ctx.after_tool_result:
            continue
        view = router.view_for(case.tools)
        cand = router.candidates(router.query_vector(ctx, view), case.tools, ctx.last, view,
                                 overlap(ctx.window, case.tools), router.needs_tool(ctx, view))
        logits = view.head.logits(cand)
        head.append(float(logits[-1] - np.logaddexp.reduce(logits[:-1])))
        cos.append(-float(cand.cos.max()))
        said_none.append(router.decide(case.messages, case.tools).tool is None)
    return np.array(head), np.array(cos), np.array(said_none)


def auroc(answerable: np.ndarray, none: np.ndarray) -> float:
    return float((answerable[:, None] < none[None, :]).mean() + 0.5 * (answerable[:, None] == none[None, :]).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", default=None)
    args = parser.parse_args()
    router = Router(RouterOptions(checkpoint=args.checkpoint))
    header = "| corpus | score | AUROC | " + " | ".join(f"NONE recall at {r:.0%} routed" for r in ROUTED) + " |"
    print(header)
    print("|" + "---|" * (3 + len(ROUTED)))
    decisions = []
    for corpus in ("callnavi", "api_bank"):
        a_head, a_cos, a_none = scores(router, UNSEEN / f"{corpus}_handful.jsonl.gz")
        n_head, n_cos, n_none = scores(router, UNSEEN / f"{corpus}_none_far.jsonl.gz")
        for name, a, n in (("head", a_head, n_head), ("best cosine", a_cos, n_cos)):
            cells = [f"{(n >= np.quantile(a, r)).mean():.3f}" for r in ROUTED]
            print(f"| {corpus} | {name} | {auroc(a, n):.3f} | " + " | ".join(cells) + " |")
        decisions.append(f"{corpus}: the router routes {1 - a_none.mean():.3f} of the answerable rows, "
                         f"NONE on {n_none.mean():.3f} of the unrelated-tools rows ({len(a_none)} / {len(n_none)} rows)")
    print("\n".join(decisions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
