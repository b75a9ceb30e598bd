"""The RMSEs the paper reports in Tables 1-4, shown beside ours in a column labelled "paper".

Rows are keyed by modality abbreviation; columns by the run column names of the table modules.
"-" in the paper (no CLIP vector for audio or meta alone) is None.
"""

from __future__ import annotations

ROWS = ("AMSV", "MSV", "ASV", "AMV", "AMS", "SV", "MV", "MS", "AV", "AS", "AM", "A", "M", "S", "V")


def _table(columns: tuple[str, ...], values: str) -> dict[str, dict[str, float | None]]:
    rows = [line.split() for line in values.strip().splitlines()]
    return {row: {c: (None if v == "-" else float(v)) for c, v in zip(columns, vals)} for row, vals in zip(ROWS, rows)}


FUSION_COLUMNS = ("fuse_standard", "fuse_clip", "all_standard")
MULTITASK_COLUMNS = ("fs_t1t2", "fs_t1t4", "sp_t1t4")

PAPER = {
    1: _table(
        FUSION_COLUMNS,
        """
0.936 0.936 0.930
0.939 0.936 0.938
0.933 0.939 0.932
0.940 0.937 0.938
0.933 0.935 0.933
0.937 0.938 0.933
0.937 0.938 0.934
0.935 0.947 0.934
0.937 0.936 0.932
0.937 0.938 0.933
0.936 0.937 0.932
0.989 - 0.984
0.940 - 0.933
0.935 0.938 0.944
0.935 0.934 0.936""",
    ),
    2: _table(
        FUSION_COLUMNS,
        """
0.968 0.969 0.961
0.968 0.969 0.965
0.965 0.967 0.964
0.971 0.969 0.970
0.967 0.967 0.966
0.970 0.972 0.969
0.969 0.970 0.967
0.970 0.970 0.969
0.974 0.978 0.971
0.977 0.977 0.970
0.971 0.972 0.968
0.984 - 0.981
0.967 - 0.966
0.967 0.968 0.967
0.970 0.969 0.970""",
    ),
    3: _table(
        MULTITASK_COLUMNS,
        """
0.946 0.991 0.930
0.948 0.976 0.938
0.941 0.969 0.932
0.948 0.975 0.938
1.055 0.973 0.933
0.960 0.981 0.933
0.936 0.964 0.934
1.141 0.974 0.934
0.947 0.979 0.932
1.151 0.974 0.933
1.151 0.971 0.932
1.151 0.969 0.984
1.151 0.977 0.933
1.151 0.969 0.944
0.966 0.968 0.936""",
    ),
    4: _table(
        MULTITASK_COLUMNS,
        """
0.972 0.971 0.961
0.968 0.968 0.965
0.977 0.976 0.964
0.975 0.975 0.970
0.981 0.973 0.966
0.971 0.969 0.969
0.969 0.970 0.967
0.989 0.977 0.969
0.989 0.979 0.971
1.001 0.974 0.970
0.991 0.991 0.968
1.101 0.999 0.981
0.989 0.988 0.966
0.996 0.995 0.967
0.985 0.978 0.970""",
    ),
}


def paper_value(table: int, abbrev: str, column: str) -> float | None:
    """The paper's RMSE for one cell, None where the paper has none."""
    return PAPER[table].get(abbrev, {}).get(column)
