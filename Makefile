# mtm4f: `make reproduce` regenerates outputs/, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= quick
DATASETS ?= ml100k mmtf
WORKERS ?= 2
STAMP := $(VENV)/.installed

.PHONY: setup reproduce test clean-outputs

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -c "import torch, sys; sys.exit('torch must be the CPU build (got CUDA ' + str(torch.version.cuda) + ')') if torch.version.cuda else print('torch', torch.__version__, 'CPU build')"
	touch $(STAMP)

setup: $(STAMP)

reproduce: $(STAMP)
	$(BIN)/mtm4f reproduce --profile $(PROFILE) --dataset $(DATASETS) --workers $(WORKERS)

test: $(STAMP)
	$(BIN)/python -m pytest -q -ra

clean-outputs:
	rm -rf outputs/executed
