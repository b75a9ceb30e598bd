"""Table 11: MTM4F against the paper's four multimodal baselines on the complete AMSV rows (paper 6.4).

Each baseline is built from the package's blocks, trained by the one training loop on the same rows,
user vector (learnt embedding + liked-item mean) and validation slice as MTM4F, from the paper's
one-line descriptions and its references. What the references state, and where we chose:

- Siamese network [19] (Pingali et al., IJCNN 2022): "multi-modal inputs for an item concatenated
  with the user vector" regressed to the rating. Ours: early fusion of the four modality vectors
  (``fusion='concat'``), no graph, one task.
- Graph attention network [5] (Chakder et al., SMC 2022; the paper's table prints "GAN"): item-to-item
  attention over multimodal item features, then rating regression. Ours: early fusion, then the
  package's GAT over the training co-rating graph, one task.
- GCN recommender [17] (Mondal et al., SAC 2023): item representations through graph convolution.
  Ours: early fusion, then a residual GCNConv layer over the same item graph, one task.
- Multitasking [21] (Raj et al., IJCNN 2023): rating as the main task, genre as the auxiliary one,
  on concatenated modality embeddings. Ours: early fusion, no graph, fully shared {t1, t2}.
- MTM4F: CentralNet ``all``, GAT, shared-private over every task the dataset has; the same runs as
  Table 3's / Table 4's SP AMSV cell (the run store serves them).

Layer widths, dropout and optimisation are the package's defaults for every row, so the rows differ
only in what the descriptions name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .grid_tables import Column

TITLE = "RMSE on the complete AMSV rows: MTM4F against the paper's multimodal baselines"
SUBSETS = ("AMSV",)
RATING = ("rating",)
COLUMNS = (
    Column("siamese", "Siamese [19]", {"fusion": "concat", "gat_layers": 0, "multitask": "fs"}, RATING),
    Column("gat", "GAT [5]", {"fusion": "concat", "gat": "gat", "multitask": "fs"}, RATING),
    Column("gcn", "GCN [17]", {"fusion": "concat", "gat": "gcn", "multitask": "fs"}, RATING),
    Column("multitasking", "Multitasking [21]", {"fusion": "concat", "gat_layers": 0, "multitask": "fs"}, ("rating", "genre")),
    Column("mtm4f", "MTM4F", {"fusion": "all", "multitask": "sp"}),
)


def columns_for(dataset: str) -> tuple[Column, ...]:
    """The same five models on every dataset."""
    return COLUMNS


def as_rows(table) -> pd.DataFrame:
    """Table 11 read as the paper prints it: one row per model, our mean, std and n over seeds, the paper's value."""
    cells = table.cells.loc["AMSV"].unstack()
    frame = pd.DataFrame({"model": list(table.labels), **{stat: [cells.loc[label, stat] for label in table.labels] for stat in ("mean", "std", "n")}})
    frame["n"] = frame["n"].astype("Int64")
    frame["paper"] = [table.paper.loc["AMSV", label] if label in table.paper else np.nan for label in table.labels]
    return frame
