# trick — build, run the recipes, test, benchmark. Each target installs what it needs on a fresh Debian machine.
SWIFT ?= swift
BIN := .build/release/trick
# `make test` uses the debug build that the unit tests need anyway (one compile, not two).
TEST_BIN := .build/debug/trick
JOBS ?= 2
# The reference Python for `make bench` (tools/setup_reference_env.sh makes one with torch & co).
PYTHON ?= $(shell test -x /work/refenv/bin/python && echo /work/refenv/bin/python || echo python3)

.PHONY: all build deps run test unit golden error-test repl-test python-parity kernel-test upstream snippets repl bench gemm-bench fuzz clean conformance install uninstall lab transcripts link-order

all: build

# System packages the build needs: libedit (REPL line editing), libzmq (the Jupyter kernel), libpng
# and libjpeg-turbo (imread / imwrite / pictures), found through pkg-config; OpenBLAS (autograd's
# matrix products with k >= 16), opened at run time (Sources/TrickCore/Autograd/OpenBLAS.swift).
# libjpeg-turbo is libjpeg62-turbo-dev on Debian (libjpeg-dev, which names it, elsewhere, e.g.
# Ubuntu's libjpeg-turbo8-dev).
SYSTEM_PACKAGES := libedit-dev libzmq3-dev libpng-dev libopenblas-dev pkg-config
deps:
	@if ! pkg-config --exists libedit libzmq libpng libjpeg openblas 2>/dev/null; then \
		jpeg=libjpeg62-turbo-dev; \
		(apt-get update -qq || sudo apt-get update -qq) >/dev/null 2>&1; \
		apt-cache show $$jpeg >/dev/null 2>&1 || jpeg=libjpeg-dev; \
		echo "installing $(SYSTEM_PACKAGES) $$jpeg"; \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) $$jpeg) >/dev/null || \
		(sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) $$jpeg) >/dev/null; \
	fi

# After the link, the VM's dispatch blocks are checked: when one crosses a 64-byte line (an edit of
# a loop moved it), tools/align_dispatch.py rewrites the pads in Sources/trick/helpers.ld (commit
# them) and trick is linked again.
build: deps
	$(SWIFT) build -c release -j $(JOBS) --product trick
	@python3 tools/align_dispatch.py --fix $(BIN); if [ $$? -eq 1 ]; then rm -f $(BIN); \
		$(SWIFT) build -c release -j $(JOBS) --product trick && python3 tools/align_dispatch.py $(BIN) || true; fi

# The main job: run every recipe notebook in examples/ and show its output.
run: build
	@for f in examples/*.trick; do echo; echo "==== $$f"; $(BIN) run --titles $$f || exit 1; done

# The lab: every notebook in examples/lab measures a trick against its baseline (seeded synthetic
# data, 3 seeds). `trick test` re-runs each one, checks the numbers it prints against its `#>` lines
# (deterministic: a changed number fails here; `trick test --update` takes the new ones) and writes
# its results/*.json; then examples/lab/README.md is rewritten from them. Each notebook's time is shown.
LAB := $(sort $(wildcard examples/lab/[0-9]*.trick))
# The lab notebooks that train models (they include stdlib/lab/segmentation.trick) take seconds in
# this release build and minutes in the debug build of `make test`: their golden test is `make lab`.
LAB_TRAINING := $(shell grep -l 'stdlib/lab/segmentation.trick' $(LAB))
lab: build
	@for f in $(LAB); do s=$$(date +%s%N); $(BIN) test $$f > /dev/null || { $(BIN) test $$f; exit 1; }; \
		echo "$$f: passed, $$(( ($$(date +%s%N) - s) / 1000000 )) ms"; done
	$(BIN) examples/lab/summary.py > examples/lab/README.md.tmp && mv examples/lab/README.md.tmp examples/lab/README.md
	@echo; cat examples/lab/README.md

# Illustrated Markdown transcripts of the recipes: examples/NAME.md, linking the pictures each
# recipe writes to examples/out/ (both ignored by git).
transcripts: build
	@for f in examples/*.trick; do $(BIN) run --markdown $$f > $${f%.trick}.md || exit 1; echo "wrote $${f%.trick}.md"; done

# Unit tests (XCTest) and the golden notebooks (examples/ and Tests/golden/).
test: unit golden error-test repl-test python-parity snippets kernel-test upstream

# The bad-program suite: each file in Tests/errors must fail cleanly at the stated line.
error-test: deps
	$(SWIFT) build -j $(JOBS) --product trick
	tests/run_error_suite.sh $(TEST_BIN) Tests/errors

# The real-snippet corpus (issue 16): Tests/snippets/NNN_name.py, taken unchanged from the libraries'
# docs, docstrings and READMEs, run by trick and compared with the reference libraries' output
# (NNN_name.out, made by tools/gen_snippets.py); prints `snippets: N/M match (P%)` and each mismatch.
# Fails when a snippet listed in Tests/snippets/expected_pass.txt stops matching (a regression);
# `tests/run_snippets.py BIN --update-expected` records a new list. Tests/numpy_parity: trick's own
# checks of numpy's printing, Tests/dtype_parity: torch's and numpy's dtypes, Tests/class_parity:
# classes deriving from the libraries' types, and Tests/torch_parity: torch code (tensors shared by
# names, lists, dicts and arguments, changed in place; torch functions); all of which must match.
# Then torch.save: trick must still write the bytes of Tests/torch_save/trick_files, which
# tools/gen_torch_save_files.py checked with torch.load (Tests/torch_parity/torch_save_load.py reads them).
snippets: deps
	$(SWIFT) build -j $(JOBS) --product trick
	python3 tests/run_snippets.py $(TEST_BIN)
	python3 tests/run_snippets.py $(TEST_BIN) --corpus Tests/numpy_parity
	python3 tests/run_snippets.py $(TEST_BIN) --corpus Tests/dtype_parity
	python3 tests/run_snippets.py $(TEST_BIN) --corpus Tests/class_parity
	python3 tests/run_snippets.py $(TEST_BIN) --corpus Tests/torch_parity
	tests/torch_save_files.sh $(TEST_BIN)

# Programs valid in CPython and trick (Tests/python/*.py) must print the same under both.
python-parity: deps
	$(SWIFT) build -j $(JOBS) --product trick
	tests/python_parity.sh $(TEST_BIN)

# The reference libraries' own unit-test files (Tests/upstream) under `trick test`: a table of
# passed/failed/skipped per file, checked against Tests/upstream/EXPECTED.txt (UPDATE=1 rewrites it).
upstream: deps
	$(SWIFT) build -j $(JOBS) --product trick
	tests/upstream_tests.sh $(TEST_BIN)

# The REPL is driven through a pipe and in a pseudo-terminal (tmux).
repl-test: deps
	@command -v tmux >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null)
	$(SWIFT) build -j $(JOBS) --product trick
	tests/repl_test.sh $(TEST_BIN)

# The Jupyter kernel and `trick convert`, driven by jupyter_client and nbclient from a virtualenv
# made here (tests/requirements-kernel.txt; Debian's python3-venv where python3 has no venv).
TESTENV := .build/testenv
$(TESTENV)/.installed: tests/requirements-kernel.txt
	@python3 -m venv $(TESTENV) 2>/dev/null || { \
		echo "installing python3-venv"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv) >/dev/null || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv) >/dev/null; \
		rm -rf $(TESTENV); python3 -m venv $(TESTENV); }
	$(TESTENV)/bin/pip install -q --disable-pip-version-check -r tests/requirements-kernel.txt
	@touch $@

kernel-test: deps $(TESTENV)/.installed
	$(SWIFT) build -j $(JOBS) --product trick
	KERNEL_TEST_ALL=1 $(TESTENV)/bin/python tests/kernel_test.py $(TEST_BIN)

unit: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build

# The recipes, the detection lab and Tests/golden (the training lab notebooks are tested by `make lab`).
golden: deps
	$(SWIFT) build -j $(JOBS) --product trick
	$(TEST_BIN) test $(filter-out $(LAB_TRAINING),$(wildcard examples/*.trick examples/*/*.trick)) Tests/golden $(wildcard Tests/pytest/*.py)

repl: build
	$(BIN)

# `make install` puts trick on the PATH: PREFIX/bin/trick, and stdlib/ in PREFIX/share/trick (where
# `include('stdlib/...')` finds it from any folder). PREFIX defaults to /usr/local; DESTDIR is honoured.
PREFIX ?= /usr/local
install: build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/trick"
	install -m 755 $(BIN) "$(DESTDIR)$(PREFIX)/bin/trick"
	rm -rf "$(DESTDIR)$(PREFIX)/share/trick/stdlib"
	cp -R stdlib "$(DESTDIR)$(PREFIX)/share/trick/stdlib"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/trick"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/trick"
	rm -rf "$(DESTDIR)$(PREFIX)/share/trick"

# The interpreter rows compare with Lua 5.4 too: installed here when missing (not needed elsewhere).
# Kernel rows run at 3–4 sizes (fitted exponents on both sides) and record the CPU share other
# processes took while each side was timed (⚠ above 10%: rerun on a quiet machine before copying
# the table into the README). BENCH_ONLY=kernels (or interp, or kernel names: ce,wbf) runs a part;
# BENCH_BASELINE=path/to/an/older/trick adds its times to each kernel row (before/after, same load).
bench: deps
	@command -v lua5.4 >/dev/null || (apt-get install -y -qq lua5.4 >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.4 >/dev/null) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.4 >/dev/null)) || \
		echo "lua5.4 could not be installed: the Lua column stays empty"
	$(SWIFT) build -c release -j $(JOBS) --product trick
	$(SWIFT) build -c release -j $(JOBS) --product trick-bench
	.build/release/trick-bench $(BIN) $(PYTHON)

# The order in which the linker places trick's functions (Sources/trick/trick.order): those a start
# and the interpreter micro-suite run, recorded by callgrind, first (issue 15: peak memory); then
# relinks trick with it (SwiftPM does not see the list change).
link-order: build
	@command -v valgrind >/dev/null || (apt-get install -y -qq valgrind >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null))
	tools/gen_link_order.sh $(BIN) Sources/trick/trick.order
	rm -f $(BIN) && $(SWIFT) build -c release -j $(JOBS) --product trick

# trick's GEMM against OpenBLAS (1 and 2 threads) at the shapes autograd runs in the bench, in one
# process (the measurement behind Gemm.swift's choice of kernel per shape).
gemm-bench: deps
	$(SWIFT) build -c release -j $(JOBS) --product trick-bench
	.build/release/trick-bench --gemm

# Fuzz the lexer, parser and evaluator for FUZZ_SECONDS (libFuzzer, coverage-guided; a seeded
# random-mutation run where the toolchain has no libFuzzer). Crashes land in .build/fuzz-artifacts/.
FUZZ_SECONDS ?= 60
fuzz: deps
	@mkdir -p .build/fuzz-corpus .build/fuzz-artifacts
	@if $(SWIFT) build -c release -j $(JOBS) --product trick-fuzz --scratch-path .build/fuzz \
			-Xswiftc -sanitize=fuzzer -Xswiftc -DTRICK_LIBFUZZER; then \
		SWIFT_BACKTRACE=enable=no .build/fuzz/release/trick-fuzz .build/fuzz-corpus examples Tests/golden Tests/errors \
			Tests/TrickLangTests/Fixtures/seed -dict=tests/fuzz/trick.dict -max_len=4096 -timeout=10 \
			-rss_limit_mb=4096 -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=.build/fuzz-artifacts/ \
			-print_final_stats=1; \
	else \
		echo "no libFuzzer in this toolchain: running the random-mutation fuzzer"; \
		$(SWIFT) build -c release -j $(JOBS) --product trick-fuzz && \
		.build/release/trick-fuzz -seconds=$(FUZZ_SECONDS) examples Tests/golden Tests/errors \
			Tests/TrickLangTests/Fixtures/seed; \
	fi

conformance: build
	python3 ../shared/conformance/run.py $(BIN) ../shared/conformance/public_cases.jsonl

clean:
	rm -rf .build
