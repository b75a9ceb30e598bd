"""Dataset sources: each builds a MultiModalDataset from raw files (or generates one)."""
