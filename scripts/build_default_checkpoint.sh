#!/usr/bin/env bash
# Rebuild the shipped default router checkpoint (router/default_checkpoint/) from ../shared/data.
# The head is deterministic for a seed; the LoRA step was not bit-identical between two runs on this
# machine (2026-11-27: max |delta| 0.086 in the deltas; the two checkpoints evaluate within ~0.01). ~32 min on 2 CPU cores: 800 LoRA steps of
# the encoder (~25 min), then every text embedded once with the tuned encoder (cached under
# .cache/embeddings by model), adapter and decision head (~1 min).
#   scripts/build_default_checkpoint.sh [OUT_DIR] [SEED]
# The head alone, on the LoRA deltas the shipped checkpoint already has (38 s with embeddings cached):
#   python -m router.train --default [OUT_DIR] --finetune-steps 0 --encoder-lora default
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 LITELLM_LOCAL_MODEL_COST_MAP=True
python -m router.train --default "${1:-router/default_checkpoint}" --seed "${2:-0}"
