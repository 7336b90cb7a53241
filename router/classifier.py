"""A catalogue classifier: a linear model over the words and the embedding of a request, one class per tool.

The exemplar memory votes by nearest neighbours in embedding space; requests that share their key words
with a tool's training queries but not their phrasing slip past it. A linear SVM over TF-IDF word
uni- and bigrams plus the (weighted) embedding reads both. With it, a checkpoint trained on 80% of
MetaTool's train file chose the right tool for 0.867 of the other 20%, against 0.849 without (README,
"MetaTool, seen catalogue"). ``toolproxy train`` fits one whenever the checkpoint ships a memory of at least two
tools; the router averages its probabilities into the memory's vote for the tools it knows, so the
decision head stays free of tool identities and unseen tools route as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EMBEDDING_WEIGHT = 2.0  # the embedding block's scale next to the unit-norm TF-IDF block
TEMPERATURE = 0.2  # softmax over the SVM margins of the offered tools
C = 0.5
PREFIX = "clf/"


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _vectorizer(min_df: int = 1) -> Any:
    """The TF-IDF fitted in training (scikit-learn); serving repeats its transform in ``_tfidf``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, token_pattern=TOKEN.pattern)


def _grams(text: str) -> list[str]:
    tokens = TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@dataclass
class CatalogueClassifier:
    """Tool scores for a request; ``tools`` names the classes (rows of ``coef``)."""

    tools: list[str]
    vocabulary: list[str]
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (classes, terms + dim)
    intercept: np.ndarray  # (classes,)

    def __post_init__(self) -> None:
        self._term = {term: i for i, term in enumerate(self.vocabulary)}
        self._class = {name: i for i, name in enumerate(self.tools)}
        # term-major, so one request's few terms pick rows (a sparse-dense product took 7 ms, this 0.01);
        # kept in the stored precision (fp16 when loaded: the picked rows are widened per request)
        self._term_coef = np.ascontiguousarray(self.coef[:, : len(self.vocabulary)].T)
        self._vector_coef = np.ascontiguousarray(self.coef[:, len(self.vocabulary) :].T * EMBEDDING_WEIGHT, dtype=np.float32)

    @classmethod
    def fit(
        cls, texts: Sequence[str], vectors: np.ndarray, labels: Sequence[str], seed: int = 0
    ) -> CatalogueClassifier | None:
        """Fit on labelled requests (their text and routing vector); None below two tools."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.svm import LinearSVC

        if len(set(labels)) < 2:
            return None
        vectorizer = _vectorizer(min_df=2 if len(texts) >= 2000 else 1)
        try:
            words = vectorizer.fit_transform(list(texts))
        except ValueError:  # no word of two letters in any text
            return None
        features = hstack([words, csr_matrix(vectors * EMBEDDING_WEIGHT)]).tocsr()
        model = LinearSVC(C=C, random_state=seed).fit(features, list(labels))
        classes = [str(c) for c in model.classes_]
        coef = np.atleast_2d(model.coef_).astype(np.float32)
        intercept = np.atleast_1d(model.intercept_).astype(np.float32)
        if len(classes) == 2:  # liblinear keeps one row for two classes: spell out both
            coef = np.stack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32)
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(classes, vocabulary, vectorizer.idf_.astype(np.float32), coef, intercept)

    def margins(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """(n, classes) SVM margins."""
        out = vectors.astype(np.float32) @ self._vector_coef + self.intercept
        for i, text in enumerate(texts):
            terms, weights = self._tfidf(text)
            if len(terms):
                out[i] += weights @ self._term_coef[terms].astype(np.float32)
        return out.astype(np.float32)

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The request's known terms and TF-IDF weights, as the fitted vectorizer computes them
        (sublinear tf, stored idf, l2 norm) without loading scikit-learn at serve time (~85 MB)."""
        counts = Counter(self._term[g] for g in _grams(text) if g in self._term)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        terms = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights = tf * self.idf[terms].astype(np.float64)
        return terms, (weights / np.linalg.norm(weights)).astype(np.float32)

    def prior(self, text: str, vector: np.ndarray, names: Sequence[str]) -> np.ndarray | None:
        """Probabilities over the offered ``names`` it knows (NaN for the others); None if it knows none."""
        classes = [self._class.get(n, -1) for n in names]
        if max(classes, default=-1) < 0:  # a catalogue it never saw: no need to score the request
            return None
        return offered_prior(self.margins([text], vector[None, :])[0], classes)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            PREFIX + "tools": np.array(self.tools, dtype=str),
            PREFIX + "vocabulary": np.array(self.vocabulary, dtype=str),
            PREFIX + "idf": self.idf.astype(np.float32),
            PREFIX + "coef": self.coef.astype(np.float16),
            PREFIX + "intercept": self.intercept.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> CatalogueClassifier | None:
        if PREFIX + "coef" not in arrays:
            return None
        return cls(
            tools=[str(t) for t in arrays[PREFIX + "tools"].tolist()],
            vocabulary=[str(t) for t in arrays[PREFIX + "vocabulary"].tolist()],
            idf=arrays[PREFIX + "idf"].astype(np.float32),
            coef=arrays[PREFIX + "coef"],  # fp16, as stored
            intercept=arrays[PREFIX + "intercept"].astype(np.float32),
        )


def offered_prior(margins: np.ndarray, classes: Sequence[int]) -> np.ndarray | None:
    """Softmax (``TEMPERATURE``) of ``margins`` over the offered tools' classes (-1 = unknown: NaN)."""
    cls = np.asarray(classes, dtype=np.int64)
    known = cls >= 0
    if not known.any():
        return None
    z = margins[cls[known]] / TEMPERATURE
    p = np.exp(z - z.max())
    out = np.full(len(cls), np.nan, dtype=np.float32)
    out[known] = p / p.sum()
    return out
