"""Which torch build an environment must hold: the CPU build (default), or a CUDA one for the GPU tests.

``MTM4F_TORCH_BUILD=cpu|cuda`` names it; ``python -m mtm4f_lib.torch_build`` checks the installed torch
against it (the Makefile runs this after every install) and exits with a message when they disagree.
"""

from __future__ import annotations

import os
import sys

ENV = "MTM4F_TORCH_BUILD"
BUILDS = ("cpu", "cuda")


def wanted_build() -> str:
    build = os.environ.get(ENV, "cpu")
    if build not in BUILDS:
        raise SystemExit(f"{ENV} must be one of {list(BUILDS)}, got {build!r}.")
    return build


def check_build() -> str:
    """A line naming the installed torch; SystemExit when it is not the wanted build."""
    import torch

    build = wanted_build()
    if build == "cpu" and torch.version.cuda is not None:
        raise SystemExit(f"torch must be the CPU build (got CUDA {torch.version.cuda}); reinstall with -c constraints.txt, or set {ENV}=cuda on a GPU machine.")
    if build == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"{ENV}=cuda but torch {torch.__version__} sees no CUDA GPU (CUDA build: {torch.version.cuda}).")
    return f"torch {torch.__version__} ({'CPU build' if build == 'cpu' else 'CUDA ' + str(torch.version.cuda)})"


if __name__ == "__main__":
    print(check_build())
    sys.exit(0)
