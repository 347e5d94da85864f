# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install lint check messages serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/faelles messages compile
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/faelles migrate --no-input
	$(BIN)/faelles demo
	@echo "Serving on http://$(HOST):$(PORT)/ with the task worker and scheduler beside it (Ctrl-C stops all)."
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/faelles worker & \
	  $(BIN)/faelles scheduler & \
	  DEBUG=$${DEBUG:-1} $(BIN)/faelles runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests

lint: install
	$(BIN)/ruff check src tests bench

check: install
	$(BIN)/faelles messages check

messages: install
	$(BIN)/faelles messages extract
	$(BIN)/faelles messages compile

clean:
	rm -rf $(VENV) var
