# Gantry: `make demo` runs the main job on embedded defaults, `make test` runs every test.
# Both install what a fresh Debian machine lacks first (provisioning/setup.sh).

SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path)

.PHONY: setup build test fuzz bench soak demo dist clean

setup:
	@provisioning/setup.sh

build: setup
	$(SWIFT) build

# The fuzz run comes first so that the test runner's summary closes the output.
# libmosquitto waits on its socket with select(), which cannot watch a descriptor numbered 1024 or more; the whole
# suite at once keeps over 1,000 descriptors open in the one test process (pipes to child processes, SQLite pools),
# so the suites with in-process MQTT clients run in a second process of their own.
MQTT_SUITES = MachineSignalTests|MaintenanceTests|MQTTShutdownTests|MQTTConnectionTests|StoreDiskFullTests
# Suites that keep a core busy for a minute (schemathesis in Python, packing the debug binaries, whole restore drills)
# run in that second process too, so that they do not starve the suites that time PostgreSQL's answers.
# The fault suites (their own proxies, balancers and child processes, each timing its faults) run there as well.
# Tests start children with posix_spawn (Tests/Support/SpawnedProcess.swift), never Foundation's Process, which
# crashes when it starts one while the process holds a descriptor numbered past 1,024, as the first process does.
HEAVY_SUITES = SchemathesisTests|PackagingTests|RestoreDrillTests|ServiceNotifyTests|DashboardBrowserTests|LoadBalancedHubsTests|BadWANTests|WrongClockTests|SyncCompressionTests|EventRetentionStoreTests|EventPartitionTests|FiftyPlantsTests|OfflineCatchUpTests
# The Python peers the tests run (bean-check) live in virtual environments under .build-venvs/.
test: setup
	provisioning/python-peers.sh
	$(SWIFT) build --build-tests
	provisioning/fuzz.sh 30
	GANTRY_BIN_DIR="$(BIN_DIR)" $(SWIFT) test --skip-build --skip '$(MQTT_SUITES)|$(HEAVY_SUITES)'
	GANTRY_BIN_DIR="$(BIN_DIR)" $(SWIFT) test --skip-build --filter '$(MQTT_SUITES)|$(HEAVY_SUITES)'

# The fuzz targets (GS1 parser, sync body parser, master CSV import) alone; FUZZ_SECONDS sets how long in all.
fuzz: setup
	provisioning/fuzz.sh $(or $(FUZZ_SECONDS),300)

# Benchmarks, in release: each figure next to a reference measured in the same run.
# HUB_BENCH_ARGS="--events 200000" shrinks the hub's catch-up, RECALL_BENCH_ARGS="--links 200000" the recall's genealogy;
# LEDGER_BENCH_ARGS="--events 200000 --lines 1000000" the ledger's ingest and year of journal lines;
# KPI_BENCH_ARGS="--days 30" shrinks the KPI year, TLS_BENCH_ARGS="--events 50000" the TLS comparison;
# BENCH_ARGS="--soak 600" adds the 10-minute memory soak.
bench: setup
	$(SWIFT) build -c release --product gantry-hub
	$(SWIFT) build -c release --product gantry-agent
	python3 provisioning/bench_hub.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(HUB_BENCH_ARGS)
	python3 provisioning/bench_tls.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(TLS_BENCH_ARGS)
	python3 provisioning/bench_kpi.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(KPI_BENCH_ARGS)
	python3 provisioning/bench_ledger.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(LEDGER_BENCH_ARGS)
	python3 provisioning/bench_inventory.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(INVENTORY_BENCH_ARGS)
	python3 provisioning/bench_shipping.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(SHIPPING_BENCH_ARGS)
	python3 provisioning/bench_recall.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(RECALL_BENCH_ARGS)
	python3 provisioning/bench.py --bin "$$($(SWIFT) build -c release --show-bin-path)" $(BENCH_ARGS)

# Fault tests that take minutes, in release (docs/reliability.md): every script in provisioning/soak/ runs in turn
# and prints its figures. SOAK_ARGS is passed to each (e.g. SOAK_ARGS="--minutes 2" for a shorter run).
soak: setup
	$(SWIFT) build -c release --product gantry-hub
	$(SWIFT) build -c release --product gantry-agent
	set -e; for script in provisioning/soak/soak_*.py; do \
	  echo "== $$script"; python3 "$$script" --bin "$$($(SWIFT) build -c release --show-bin-path)" $(SOAK_ARGS); \
	done

# Release archives and Debian packages in dist/: the binaries built in release with the Swift runtime linked in
# (--static-swift-stdlib), so the target machine needs no Swift toolchain. docs/operations.md says how to install.
dist: setup
	$(SWIFT) build -c release --static-swift-stdlib --product gantry-hub
	$(SWIFT) build -c release --static-swift-stdlib --product gantry-agent
	provisioning/dist.sh --bin "$$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)" --out dist

demo: build
	python3 provisioning/demo.py --bin "$(BIN_DIR)"

clean:
	rm -rf .build .build-venvs
