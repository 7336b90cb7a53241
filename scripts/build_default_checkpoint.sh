#!/usr/bin/env bash
# Rebuild the shipped default router checkpoint (router/default_checkpoint/) from ../shared/data.
# Deterministic for a seed on one machine; embeddings are cached under .cache/embeddings (first run
# embeds ~30k texts, ~5 min on 2 cores).
#   scripts/build_default_checkpoint.sh [OUT_DIR] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 LITELLM_LOCAL_MODEL_COST_MAP=True
python -m router.train --default "${1:-router/default_checkpoint}" --seed "${2:-0}"
