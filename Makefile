# trick — build, run the recipes, test, benchmark. Each target installs what it needs on a fresh Debian machine.
SWIFT ?= swift
BIN := .build/release/trick
# `make test` uses the debug build that the unit tests need anyway (one compile, not two).
TEST_BIN := .build/debug/trick
JOBS ?= 2
# The reference Python for `make bench` (tools/setup_reference_env.sh makes one with torch & co).
PYTHON ?= $(shell test -x /work/refenv/bin/python && echo /work/refenv/bin/python || echo python3)

.PHONY: all build deps run test unit golden repl-test repl bench fuzz clean conformance

all: build

# libedit (REPL line editing) is the only system package the build needs.
deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
		echo "installing libedit-dev and pkg-config"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config) >/dev/null || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config) >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c release -j $(JOBS) --product trick

# The main job: run every recipe notebook in examples/ and show its output.
run: build
	@for f in examples/*.trick; do echo "== $$f"; $(BIN) run $$f || exit 1; done

# Unit tests (XCTest) and the golden notebooks (examples/ and Tests/golden/).
test: unit golden repl-test

# The REPL is driven through a pipe and in a pseudo-terminal (tmux).
repl-test: deps
	@command -v tmux >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null)
	$(SWIFT) build -j $(JOBS) --product trick
	tests/repl_test.sh $(TEST_BIN)

unit: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build

golden: deps
	$(SWIFT) build -j $(JOBS) --product trick
	$(TEST_BIN) test examples Tests/golden

repl: build
	$(BIN)

bench: deps
	$(SWIFT) build -c release -j $(JOBS) --product trick
	$(SWIFT) build -c release -j $(JOBS) --product trick-bench
	.build/release/trick-bench $(BIN) $(PYTHON)

conformance: build
	python3 ../shared/conformance/run.py $(BIN) ../shared/conformance/public_cases.jsonl

clean:
	rm -rf .build
