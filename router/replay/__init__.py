"""Replay rows: a small, shipped sample of other tool corpora mixed into every user training run.

A checkpoint trained on one catalogue sees its tools with exemplar memory on every episode. Alone,
its head learns nothing about tools it has no examples of, and a request offering another catalogue
then goes wrong in one direction or the other. Measured on a MetaTool-only checkpoint, 724 callnavi
rows with 5 unseen tools: it routed 0 of the answerable rows, or 100% of the NONE rows when trained
with fewer NONE episodes. Rehearsal fixes this: ``toolproxy train`` adds these rows (and the
generated general requests, NONE) as their own groups. They never enter the exemplar memory, so
their episodes teach the zero-shot regime, and they give the user's rows foreign catalogues to say
NONE to.

The sample is built from ``../shared/data`` by ``python -m router.replay.build`` (deterministic,
seed 0). Only the corpora listed in ``CORPORA`` are sampled. MetaTool, api_bank and callnavi are
left out, so MetaTool's split and the unseen-catalogue evals stay clean. Sources and licences are
in ``NOTICE.md``.
"""

from __future__ import annotations

from pathlib import Path

from router.data import TrainSet, load_corpus

HERE = Path(__file__).resolve().parent
PREFIX = "replay:"  # group names of replay rows: kept out of the exemplar memory
CORPORA = {  # corpus folder -> rows kept
    "seal_tools": 600,
    "stabletoolbench_queries": 300,
    "acebench_en": 300,
    "hwu64_nlu": 800,  # includes its chit-chat rows (NONE)
    "snips_nlu": 200,
}


def is_replay(group: str) -> bool:
    return group.startswith(PREFIX)


def load_replay(folder: str | Path = HERE) -> TrainSet:
    """Every shipped replay corpus, one group each (``replay:<corpus>``)."""
    out = TrainSet()
    for name in sorted(CORPORA):
        path = Path(folder) / name
        if path.is_dir():
            out.extend(load_corpus(path, group=PREFIX + name))
    if not out.examples:
        raise FileNotFoundError(f"no replay rows under {folder} (rebuild: python -m router.replay.build)")
    return out
