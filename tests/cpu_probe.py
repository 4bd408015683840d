"""Print, as JSON, every clustering result notebook 03 reports, computed on the real corpus.

Run by test_same_on_every_cpu.py in subprocesses under other numeric back-ends (another OpenBLAS
kernel, numpy without AVX2/FMA3, two threads); the outputs must be identical. Discrete results
(k, partitions, ranks) are compared exactly; continuous ones at 10 significant digits, far below
what the notebooks show but far above the last-bit noise of a BLAS sum (about 1e-16).
"""
import json

import numpy as np

from helpers import clusters
from helpers.corpus import load_corpus, split_paragraphs
from helpers.text import TextPolicy
from helpers.themes import select_paragraphs


def sig(values) -> list[str]:
    return [f"{v:.10g}" for v in np.ravel(values)]


def main() -> None:
    paras = select_paragraphs(split_paragraphs(load_corpus()))
    rep = clusters.Representation(paras, TextPolicy(ngram_range=(1, 2), min_df=2, lemmatize=True))
    scores = clusters.choose_k(rep, range(2, 9), seed=0)
    out = {"scores_exact": scores.to_csv(float_format="%.17g")}
    k, _ = clusters.pick_k(scores)
    out["labels"] = {str(j): clusters.kmeans_labels(rep.X, j, 0).tolist() for j in range(2, 9)}
    labels = np.array(out["labels"][str(k)])
    runs, per_cluster = clusters.stability(rep, k, labels, n_seeds=5, n_boot=5, seed=0)
    out["stability_exact"] = runs.to_csv(float_format="%.17g") + per_cluster.to_csv(float_format="%.17g")
    out["agglomerative"] = clusters.agglomerative_labels(rep.X, k).tolist()
    out["labels_described"] = clusters.describe_clusters(rep, labels).drop(columns="central_text").to_csv()
    nmf, topics = clusters.nmf_topics(rep.X, k, rep.terms, seed=0)
    out["nmf"] = nmf.tolist() + topics["top_terms"].tolist()
    # BLAS-based projections: equal to 10 significant digits, not bit for bit
    xy, explained = clusters.map_2d(rep, seed=0)
    out["map_2d"] = sig(xy) + sig(explained)
    link, _ = clusters.document_linkage(rep)
    out["document_tree"] = sig(link)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
