# mtm4f: `make reproduce` regenerates outputs/, `make test` runs the tests. Both set up .venv first.
# On a machine with an NVIDIA GPU, `make test-gpu` sets up .venv-gpu with PyPI's CUDA build of the same
# torch release and runs the GPU tests (`pytest -m gpu`); everything else stays on the CPU build.
PYTHON ?= python3
PROFILE ?= quick
DATASETS ?= ml100k mmtf
WORKERS ?= 2
TORCH_BUILD ?= cpu
VENV := $(if $(filter cuda,$(TORCH_BUILD)),.venv-gpu,.venv)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip installs without byte-compiling every module of every package (over a minute on two cores); Python compiles
# the modules a run imports on first use and keeps them, which it can only do where bytecode writing is on.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup reproduce test test-gpu lint clean-outputs

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e '.[test]'
	MTM4F_TORCH_BUILD=$(TORCH_BUILD) $(BIN)/python -m mtm4f_lib.torch_build
	touch $(STAMP)

setup: $(STAMP)

reproduce: $(STAMP)
	$(BIN)/mtm4f reproduce --profile $(PROFILE) --dataset $(DATASETS) --workers $(WORKERS)

test: $(STAMP)
	$(BIN)/python -m pytest -q -ra --durations=15

test-gpu:
	$(MAKE) $(STAMP) TORCH_BUILD=cuda
	MTM4F_TORCH_BUILD=cuda .venv-gpu/bin/python -m pytest -q -ra -m gpu

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean-outputs:
	rm -rf outputs/*/executed
