# Gantry: `make demo` runs the main job on embedded defaults, `make test` runs every test.
# Both install what a fresh Debian machine lacks first (provisioning/setup.sh).

SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path)

.PHONY: setup build test demo clean

setup:
	@provisioning/setup.sh

build: setup
	$(SWIFT) build

test: setup
	$(SWIFT) build --build-tests
	GANTRY_BIN_DIR="$(BIN_DIR)" $(SWIFT) test --skip-build

demo: build
	python3 provisioning/demo.py --bin "$(BIN_DIR)"

clean:
	rm -rf .build
