"""Item and user embeddings: cache, SBERT text, knowledge-graph meta, user vectors."""

from .cache import EmbeddingKey, cache_root, cached_embedding, input_checksum
from .kg_triples import Triple, graph_slots, movie_graph, plot_triples, sentence_triple, tabular_triples
from .meta_kg import meta_embeddings, train_word_vectors, triple_vector
from .text import default_text_model, encode_texts, subtitle_embeddings, subtitle_texts
from .user_vectors import liked_item_means, user_metadata, user_vectors

__all__ = [
    "EmbeddingKey",
    "Triple",
    "cache_root",
    "cached_embedding",
    "default_text_model",
    "encode_texts",
    "graph_slots",
    "input_checksum",
    "liked_item_means",
    "meta_embeddings",
    "movie_graph",
    "plot_triples",
    "sentence_triple",
    "subtitle_embeddings",
    "subtitle_texts",
    "tabular_triples",
    "train_word_vectors",
    "triple_vector",
    "user_metadata",
    "user_vectors",
]
