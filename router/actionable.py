"""Does a request ask for something done, or for an answer? A linear probe on the request's embedding.

The decision head weighs a request against the offered tools only. When one of them is a *tool search*
(``router.announced.is_tool_search``: API-Bank's ``ToolSearcher``, a gateway's ``search_tools``), "no
offered tool fits" is not the end: a request that needs a tool should go to the search, while chit-chat
and questions the LLM answers itself should not. This probe says which is which without a catalogue:
logistic regression on the routing vector, fitted by ``toolproxy train`` on the training rows (rows with a
gold tool against the NONE rows: chit-chat, general requests) and stored in the checkpoint
(``actionable/weight``, ``actionable/bias``). A checkpoint trained on top of another keeps its origin's
probe, like its zero-shot view, whose vectors it reads.

It is a weak signal ("What's the capital of Australia?" scores 0.9, "Tell me a joke" 0.01), so the router
only uses it to make such a NONE unsure and name the search as its best guess: the LLM decides, with the
tools. "No offered tool fits" is the head's NONE, the first of several steps finding no tool, or the best tool
doing the opposite of what was asked (``router.actions``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PREFIX = "actionable/"
MIN_ROWS = 20  # of each class, to fit a probe at all
C = 1.0


@dataclass
class ActionProbe:
    """P(the request needs a tool) = sigmoid(weight · vector + bias)."""

    weight: np.ndarray  # (dim,)
    bias: float

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """weight · vector + bias for each row of ``vectors`` (the head's ``needs_tool`` feature)."""
        return (np.asarray(vectors, dtype=np.float32) @ self.weight + self.bias).astype(np.float32)

    def probability(self, vector: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-float(self.logits(vector[None, :])[0]))))

    @classmethod
    def fit(cls, vectors: np.ndarray, needs_tool: np.ndarray) -> ActionProbe | None:
        """Fit on routing vectors and their labels (balanced classes); None with fewer than ``MIN_ROWS``
        of either class."""
        from sklearn.linear_model import LogisticRegression

        needs_tool = np.asarray(needs_tool, dtype=bool)
        if min(int(needs_tool.sum()), int((~needs_tool).sum())) < MIN_ROWS:
            return None
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(vectors, needs_tool)
        return cls(model.coef_[0].astype(np.float32), float(model.intercept_[0]))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {PREFIX + "weight": self.weight.astype(np.float32), PREFIX + "bias": np.array([self.bias], dtype=np.float32)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> ActionProbe | None:
        if PREFIX + "weight" not in arrays:
            return None
        return cls(arrays[PREFIX + "weight"].astype(np.float32), float(arrays[PREFIX + "bias"][0]))
