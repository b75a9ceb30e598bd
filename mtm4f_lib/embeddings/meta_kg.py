"""Meta embedding (paper 5.1.1): a movie's knowledge-graph triples as one fixed-length vector.

* Word vectors: a gensim Word2Vec (skip-gram) trained on the dataset's own metadata and
  descriptions, with a seed and ``workers=1`` so the same seed gives the same vectors. No pretrained
  word vectors (GloVe, GoogleNews word2vec) were verified to be available offline, so none are used.
  The corpus has one sentence per tabular triple, ``[movie:<row>, rel:<relation>, value words...]``,
  and one per description. The movie and relation tokens therefore get learned vectors in the same
  space as words; a relation token is its own token, so the relation ``cast`` and the word "cast"
  in a plot do not share a vector.
* Triple vector: ``h + R - t`` with h, R, t the mean word vectors of the head, relation and tail
  (for a plot triple: subject, verb, object; see ``kg_triples``). The paper writes ``||h + R - t||``;
  we keep the vector, since its scalar norm would leave one number per triple.
* Movie vector: the concatenation over slots (the tabular relations the dataset has, plus ``plot``
  when it has descriptions) of the mean triple vector of that slot. A slot without triples (no
  year, no parsable plot sentence) is zeros: meta is available for these items, so a zero block
  marks an absent attribute inside the vector. Items without the meta modality get NaN rows.
* Dimension: ``dim_per_slot`` x number of slots. With the default 128: ml100k 9 slots (title, year,
  genre, director, writer, cast, age_rating, runtime, plot) -> 1152 (the paper's is 1220); mmtf
  4 slots (title, year, genre, tag) -> 512; synthetic 4 slots (title, year, genre, plot) -> 512.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset
from ..errors import MTM4FError
from .cache import EmbeddingKey, cached_embedding, input_checksum
from .kg_triples import PLOT_SLOT, SPACY_MODEL, Triple, graph_columns, graph_slots, movie_graph, words

ENCODER_VERSION = "1"


def word_corpus(items: pd.DataFrame, graph: list[dict[str, list[Triple]]]) -> list[list[str]]:
    """Word2Vec sentences: each tabular triple as [head, relation, tail words], then each description."""
    sentences = [list(t.head + t.relation + t.tail) for slots in graph for slot, triples in slots.items() if slot != PLOT_SLOT for t in triples]
    if "description" in items:
        sentences += [list(words(d)) for d in items["description"].dropna()]
    return [s for s in sentences if s]


def train_word_vectors(corpus: list[list[str]], dim: int, seed: int = 0, epochs: int = 5, window: int = 5):
    """Deterministic skip-gram Word2Vec vectors (``workers=1``, seeded) of every corpus word."""
    from gensim.models import Word2Vec

    model = Word2Vec(corpus, vector_size=dim, window=window, min_count=1, sg=1, seed=seed, workers=1, epochs=epochs)
    return model.wv


def phrase_vector(vectors, phrase: tuple[str, ...]) -> np.ndarray:
    """Mean vector of the words of ``phrase`` that ``vectors`` knows; zeros when it knows none."""
    known = [w for w in phrase if w in vectors.key_to_index]
    return np.mean([vectors[w] for w in known], axis=0) if known else np.zeros(vectors.vector_size, dtype=np.float32)


def triple_vector(vectors, triple: Triple) -> np.ndarray:
    """h + R - t."""
    return phrase_vector(vectors, triple.head) + phrase_vector(vectors, triple.relation) - phrase_vector(vectors, triple.tail)


def graph_matrix(graph: list[dict[str, list[Triple]]], slots: list[str], vectors) -> np.ndarray:
    """float32 [n_items, len(slots) * d]: per slot, the mean triple vector (zeros without triples)."""
    d = vectors.vector_size
    out = np.zeros((len(graph), len(slots) * d), dtype=np.float32)
    for row, item in enumerate(graph):
        for k, slot in enumerate(slots):
            triples = item.get(slot, [])
            if triples:
                out[row, k * d : (k + 1) * d] = np.mean([triple_vector(vectors, t) for t in triples], axis=0)
    return out


def meta_embeddings(
    dataset: MultiModalDataset, dim_per_slot: int = 128, seed: int = 0, epochs: int = 5, window: int = 5, root=None, force: bool = False, progress: bool = True
) -> np.ndarray:
    """float32 [n_items, dim_per_slot * n_slots] knowledge-graph meta vectors, NaN rows where meta is unavailable.

    Built from the items that have the meta modality only, and cached under the items' metadata,
    the mask and every setting.
    """
    if dim_per_slot < 1 or epochs < 1 or window < 1:
        raise MTM4FError(f"dim_per_slot, epochs and window must be positive integers; got {dim_per_slot}, {epochs}, {window}.")
    available = dataset.modalities["meta"].available
    items = dataset.items[graph_columns(dataset.items)]
    slots = graph_slots(items)

    def build() -> np.ndarray:
        kept = items[available].reset_index(drop=True)
        graph = movie_graph(kept, progress=progress)
        vectors = train_word_vectors(word_corpus(kept, graph), dim_per_slot, seed, epochs, window)
        out = np.full((dataset.n_items, len(slots) * dim_per_slot), np.nan, dtype=np.float32)
        out[available] = graph_matrix(graph, slots, vectors)
        return out

    settings = {"dim_per_slot": dim_per_slot, "seed": seed, "epochs": epochs, "window": window, "slots": slots}
    encoder_version = f"{ENCODER_VERSION}/gensim-{version('gensim')}/spacy-{version('spacy')}/{SPACY_MODEL}-{version(SPACY_MODEL)}"
    key = EmbeddingKey(dataset.name, "meta", "kg-word2vec", encoder_version, input_checksum(items, available, settings))
    return cached_embedding(key, build, root, force)
