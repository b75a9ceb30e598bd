"""Figures drawn from library results (matplotlib/seaborn); each returns a Figure."""
