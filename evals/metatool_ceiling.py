"""How far simple classifiers over the frozen encoder get on the MetaTool split: a ceiling check.

    python evals/metatool_ceiling.py [--encoder PATH] [--cache .cache/embeddings]

Embeds ``evals/metatool/train.jsonl`` and ``test.jsonl`` (the seeded split, 199 tools offered on
every row) once with the encoder (disk cache) and prints, as one JSON object, the test top-1 of:
- ``cos_tool_text``: cosine of the query to each tool's "name: description" text (zero-shot);
- ``knn``: the router's own kNN vote (``router.model``: the ``KNN_K`` = 10 nearest training queries
  vote with weight ``exp(cos / VOTE_TEMPERATURE)``, 0.05);
- ``centroid``: cosine to each tool's mean training query;
- ``logreg``: a softmax regression over the embedding (torch, full batch, 300 Adam steps);
- ``catalogue_classifier``: ``router.classifier`` (linear SVM over TF-IDF word n-grams + the embedding), as
  ``toolproxy train`` fits it;
- ``near_duplicates``: label noise. For the test queries whose nearest training query is a near-paraphrase
  (cosine ≥ 0.90), how many there are and how often that neighbour carries the same label: what no text
  classifier can beat on those rows;
- ``top_confusions``: the most frequent (gold, predicted) pairs of ``knn``.
The router's MetaTool checkpoint combines the cosine and kNN evidence with the decision head; these
numbers say what the features themselves can tell apart.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--encoder", default=None, help="sentence-transformers folder (default: shipped MiniLM)"
    )
    parser.add_argument("--tools", default=None, help="catalogue (default: ../shared/data/metatool)")
    parser.add_argument("--cache", default=".cache/embeddings")
    args = parser.parse_args()
    import torch

    from router.classifier import CatalogueClassifier
    from router.data import SHARED_DATA, read_query_rows
    from router.encoder import EmbeddingStore, Encoder
    from router.model import KNN_K, VOTE_TEMPERATURE, centroids_by_label

    rows = {part: read_query_rows(HERE / "metatool" / f"{part}.jsonl") for part in ("train", "test")}
    tools_file = Path(args.tools) if args.tools else SHARED_DATA / "metatool" / "metatool_tools.json"
    catalogue = json.loads(tools_file.read_text())
    names = sorted(catalogue)
    index = {n: i for i, n in enumerate(names)}
    store = EmbeddingStore(Encoder(args.encoder), args.cache)
    train_x = store.encode([r["query"] for r in rows["train"]], show_progress=True)
    test_x = store.encode([r["query"] for r in rows["test"]], show_progress=True)
    tool_x = store.encode([f"{n}: {catalogue[n]}" for n in names], show_progress=False)
    train_y = np.array([index[r["tools"][0]] for r in rows["train"]])
    gold = [{index[t] for t in r["tools"]} for r in rows["test"]]

    def top1(scores: np.ndarray) -> float:
        best = scores.argmax(1)
        return round(float(np.mean([best[i] in gold[i] for i in range(len(gold))])), 4)

    sims = test_x @ train_x.T
    near = np.argsort(-sims, axis=1)[:, :KNN_K]
    votes = np.zeros((len(test_x), len(names)))
    for i, row in enumerate(near):
        np.add.at(votes[i], train_y[row], np.exp(sims[i, row] / VOTE_TEMPERATURE))
    centroids = centroids_by_label(train_x, train_y, len(names))
    torch.manual_seed(0)
    linear = torch.nn.Linear(train_x.shape[1], len(names))
    opt = torch.optim.Adam(linear.parameters(), lr=1e-2)
    x, y = torch.tensor(train_x), torch.tensor(train_y)
    for _ in range(300):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(linear(x), y).backward()
        opt.step()
    with torch.no_grad():
        logits = linear(torch.tensor(test_x)).numpy()
    classifier = CatalogueClassifier.fit(
        [r["query"] for r in rows["train"]], train_x, [r["tools"][0] for r in rows["train"]]
    )
    assert classifier is not None
    margins = classifier.margins([r["query"] for r in rows["test"]], test_x)
    by_class = np.full((len(test_x), len(names)), -np.inf)
    by_class[:, [index[t] for t in classifier.tools]] = margins
    nearest = sims.argmax(1)
    paraphrase = sims.max(1) >= 0.90
    same = [train_y[nearest[i]] in gold[i] for i in np.nonzero(paraphrase)[0]]
    predicted = votes.argmax(1)
    confusions = Counter(
        (rows["test"][i]["tools"][0], names[p]) for i, p in enumerate(predicted) if p not in gold[i]
    )
    print(
        json.dumps(
            {
                "n_train": len(train_x),
                "n_test": len(test_x),
                "cos_tool_text": top1(test_x @ tool_x.T),
                "knn": top1(votes),
                "centroid": top1(test_x @ centroids.T),
                "logreg": top1(logits),
                "catalogue_classifier": top1(by_class),
                "near_duplicates": {"n": int(paraphrase.sum()), "same_label": round(float(np.mean(same)), 4)},
                "top_confusions": [f"{a} -> {b}: {n}" for (a, b), n in confusions.most_common(8)],
            }
        )
    )


if __name__ == "__main__":
    main()
