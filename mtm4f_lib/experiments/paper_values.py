"""The RMSEs the paper reports in Tables 1-11, shown beside ours in columns labelled "paper".

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


# Tables 5-10: rows are the hidden modalities (the paper's order), columns chi = 20, 50, 75, 90 percent.
MISSING_RATES = (20, 50, 75, 90)
HIDDEN_ROWS = {1: ("A", "M", "S", "V"), 2: ("AM", "AS", "AV", "MS", "MV", "SV"), 3: ("MSV", "ASV", "AMV", "AMS")}


def _missing(rows: tuple[str, ...], values: str) -> dict[str, dict[int, float]]:
    lines = [line.split() for line in values.strip().splitlines()]
    return {row: dict(zip(MISSING_RATES, map(float, vals))) for row, vals in zip(rows, lines)}


PAPER_MISSING = {
    5: _missing(
        HIDDEN_ROWS[1],
        """
1.016 1.008 0.991 0.966
1.054 1.052 1.137 1.051
1.033 1.071 1.027 1.038
1.146 1.138 1.136 1.134""",
    ),
    6: _missing(
        HIDDEN_ROWS[2],
        """
1.052 1.052 1.046 1.046
1.025 1.071 1.135 1.138
1.135 1.145 1.136 1.151
1.052 1.146 1.051 1.048
1.151 1.144 1.136 1.136
1.136 1.146 1.147 1.151""",
    ),
    7: _missing(
        HIDDEN_ROWS[3],
        """
1.138 1.144 1.146 1.137
1.136 1.138 1.138 1.137
1.146 1.151 1.142 1.139
1.047 1.045 1.046 1.041""",
    ),
    8: _missing(
        HIDDEN_ROWS[1],
        """
1.034 1.028 1.010 0.987
1.062 1.055 1.121 1.093
1.037 1.069 1.036 1.044
1.141 1.146 1.139 1.140""",
    ),
    9: _missing(
        HIDDEN_ROWS[2],
        """
1.056 1.051 1.050 1.050
1.063 1.061 1.091 1.098
1.098 1.099 1.094 1.091
1.112 1.111 1.004 1.008
1.114 1.110 1.109 1.091
1.101 1.099 1.122 1.112""",
    ),
    10: _missing(
        HIDDEN_ROWS[3],
        """
1.166 1.160 1.164 1.159
1.163 1.167 1.161 1.163
1.159 1.157 1.159 1.151
1.158 1.151 1.157 1.156""",
    ),
}


def paper_missing_value(table: int, hidden: str, chi: float) -> float | None:
    """The paper's RMSE of Tables 5-10 for hidden modalities ``hidden`` at ``chi`` percent; None where it has none (e.g. chi = 100)."""
    return PAPER_MISSING.get(table, {}).get(hidden, {}).get(int(chi) if float(chi).is_integer() else chi)


# Table 11 (complete AMSV rows), one column per dataset, keyed by the columns of ``table_sota``.
SOTA = {
    "ml100k": {"siamese": 1.028, "gat": 0.953, "gcn": 0.951, "multitasking": 0.940, "mtm4f": 0.930},
    "mmtf": {"siamese": 1.010, "gat": 0.974, "gcn": 0.972, "multitasking": 0.963, "mtm4f": 0.961},
}


def paper_value(table: int, abbrev: str, column: str, dataset: str | None = None) -> float | None:
    """The paper's RMSE for one cell, None where the paper has none (Table 11 needs ``dataset``)."""
    if table == 11:
        return SOTA.get(dataset, {}).get(column) if abbrev == "AMSV" else None
    return PAPER[table].get(abbrev, {}).get(column)
