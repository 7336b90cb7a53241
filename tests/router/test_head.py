"""The decision head: the numpy forward pass matches its torch twin, and a gated head's NONE
probability is its gate's alone (candidate features that are only relative cannot move it)."""

from __future__ import annotations

import numpy as np
import torch

from router.model import (
    GATE_CANDIDATE_MAX,
    GATE_GLOBAL,
    GLOBAL_FEATURES,
    N_CAND,
    N_GLOBAL,
    NEEDS_TOOL,
    TOP_K,
    HeadWeights,
    build_torch_head,
    heuristic_head,
)


def _random_head(seed: int = 0) -> tuple[torch.nn.Module, HeadWeights]:
    torch.manual_seed(seed)
    net = build_torch_head()
    with torch.no_grad():
        for p in net.parameters():
            p.normal_(0.0, 0.5)
    arrays = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    return net, HeadWeights(arrays)


def _batch(n: int = 6, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    feats = rng.normal(size=(n, TOP_K, N_CAND)).astype(np.float32)
    glob = rng.normal(size=(n, N_GLOBAL)).astype(np.float32)
    mask = np.ones((n, TOP_K), dtype=bool)
    mask[0, 3:] = False  # a query with 3 candidates
    return feats, glob, mask


def test_numpy_forward_matches_torch() -> None:
    net, head = _random_head()
    feats, glob, mask = _batch()
    with torch.no_grad():
        want = torch.softmax(net(torch.from_numpy(feats), torch.from_numpy(glob), torch.from_numpy(mask)), 1)
    got = head.batch_probabilities(feats, glob, mask)
    assert head.gated
    np.testing.assert_allclose(got, want.numpy(), atol=1e-5)
    np.testing.assert_allclose(got.sum(1), 1.0, atol=1e-5)
    assert np.all(got[0, 3:TOP_K] < 1e-6)  # padding gets nothing


def test_gate_alone_sets_none() -> None:
    _, head = _random_head()
    feats, glob, mask = _batch()
    base = head.batch_probabilities(feats, glob, mask)[:, -1]
    relative = [i for i in range(N_CAND) if i != GATE_CANDIDATE_MAX]
    moved = feats.copy()
    moved[:, :, relative] += 3.0  # margins, ranks, z-scores, vote shares of every candidate
    moved[:, 1:, relative] -= 2.0  # ... and the top candidate apart from the rest
    np.testing.assert_allclose(head.batch_probabilities(moved, glob, mask)[:, -1], base, atol=1e-5)
    other = [i for i in range(N_GLOBAL) if i not in GATE_GLOBAL and i != NEEDS_TOOL]
    shifted = glob.copy()
    shifted[:, other] += 3.0  # second-best cosine, spread, fused margin
    np.testing.assert_allclose(head.batch_probabilities(feats, shifted, mask)[:, -1], base, atol=1e-5)
    lifted = glob.copy()
    lifted[:, GLOBAL_FEATURES.index("max_cos")] += 3.0  # how well the best tool matches
    assert not np.allclose(head.batch_probabilities(feats, lifted, mask)[:, -1], base, atol=1e-3)
    asks = glob.copy()
    asks[:, NEEDS_TOOL] += 3.0  # the request asks for something done (router.actionable)
    assert not np.allclose(head.batch_probabilities(feats, asks, mask)[:, -1], base, atol=1e-3)


def test_head_from_before_needs_tool_ignores_it() -> None:
    """A checkpoint trained before the needs_tool feature reads the global features before it."""
    _, head = _random_head()
    old = {k: v for k, v in head.arrays.items() if not k.startswith("needs_")}
    for name in ("cand_mean", "cand_scale"):
        old[name] = old[name][:-1]
    old["cand.0.weight"] = old["cand.0.weight"][:, :-1]
    older = HeadWeights(old)
    assert head.reads_needs_tool and not older.reads_needs_tool
    feats, glob, mask = _batch()
    base = older.batch_probabilities(feats, glob, mask)
    asks = glob.copy()
    asks[:, NEEDS_TOOL] += 3.0
    np.testing.assert_allclose(older.batch_probabilities(feats, asks, mask), base, atol=1e-6)
    np.testing.assert_allclose(base.sum(1), 1.0, atol=1e-5)


def test_single_query_path_equals_batch() -> None:
    from router.model import Candidates

    _, head = _random_head(3)
    feats, glob, _ = _batch(1)
    cand = Candidates(index=np.arange(5), features=feats[0, :5], global_features=glob[0], cos=np.zeros(5))
    mask = np.zeros((1, TOP_K), dtype=bool)
    mask[0, :5] = True
    np.testing.assert_allclose(head.probabilities(cand), head.batch_probabilities(feats, glob, mask)[0, [0, 1, 2, 3, 4, -1]], atol=1e-5)


def test_joint_heads_still_load() -> None:
    head = heuristic_head()  # the joint shape older checkpoints have
    assert not head.gated
    feats, glob, mask = _batch()
    p = head.batch_probabilities(feats, glob, mask)
    np.testing.assert_allclose(p.sum(1), 1.0, atol=1e-5)


def test_needs_tool_never_raises_none() -> None:
    """The gate adds needs_tool with a weight that cannot be negative: a request asking more plainly for
    something done is never more likely NONE."""
    for seed in range(3):
        _, head = _random_head(seed)
        feats, glob, mask = _batch(seed=seed)
        previous = None
        for value in (-6.0, -2.0, 0.0, 2.0, 6.0):
            glob[:, NEEDS_TOOL] = value
            none = head.batch_probabilities(feats, glob, mask)[:, -1]
            if previous is not None:
                assert np.all(none <= previous + 1e-6)
            previous = none
