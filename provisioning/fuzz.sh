#!/usr/bin/env bash
# Builds the libFuzzer targets (the GS1 parser; the hub's sync body parser; the master CSV import) and runs each
# for a bounded time (default 30 s in all, half of it on GS1).
# Usage: provisioning/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=.build/fuzz
mkdir -p "$out/corpus" "$out/sync-corpus" "$out/csv-corpus"
cp -n Tests/Fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
cp -n Tests/Fuzz/sync-corpus/* "$out/sync-corpus/" 2>/dev/null || true
cp -n Tests/Fuzz/csv-corpus/* "$out/csv-corpus/" 2>/dev/null || true
# At least a second each: libFuzzer reads -max_total_time=0 as "no limit".
gs1_seconds=$(( seconds / 2 > 0 ? seconds / 2 : 1 ))
sync_seconds=$(( seconds / 4 > 0 ? seconds / 4 : 1 ))
csv_seconds=$(( seconds - gs1_seconds - sync_seconds > 0 ? seconds - gs1_seconds - sync_seconds : 1 ))
if ! swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name GS1Fuzz \
  Core/GS1/*.swift Core/WireFormat.swift Tests/Fuzz/GS1ParserFuzz.swift -o "$out/gs1-parser-fuzz" >"$out/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$out/build.log" >&2
  exit 1
fi
if ! swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name SyncFuzz \
  Core/Sync/SyncBatchReader.swift Core/Sync/SyncBatch.swift Core/Events/EventEnvelope.swift Core/Events/JSONText.swift Core/Events/PlantEvent.swift \
  Core/JSONValue.swift Core/JSONValueDecoder.swift Core/WireFormat.swift Tests/Fuzz/SyncBatchReaderFuzz.swift -o "$out/sync-reader-fuzz" >"$out/build-sync.log" 2>&1; then
  grep -v "Cannot export local symbol" "$out/build-sync.log" >&2
  exit 1
fi
if ! swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name CSVFuzz \
  $(find Core -name '*.swift' -not -path 'Core/Web/*' -not -path 'Core/Pages/*' | sort) Tests/Fuzz/MasterCSVFuzz.swift -o "$out/master-csv-fuzz" >"$out/build-csv.log" 2>&1; then
  grep -v "Cannot export local symbol" "$out/build-csv.log" >&2
  exit 1
fi
echo "fuzzing the GS1 parser for ${gs1_seconds}s (libFuzzer, AddressSanitizer)"
"$out/gs1-parser-fuzz" -max_total_time="$gs1_seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" 2>&1 | tail -n 12
echo "fuzzing the sync body parser for ${sync_seconds}s (libFuzzer, AddressSanitizer)"
"$out/sync-reader-fuzz" -max_total_time="$sync_seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/sync-corpus" 2>&1 | tail -n 12
echo "fuzzing the master CSV import for ${csv_seconds}s (libFuzzer, AddressSanitizer)"
"$out/master-csv-fuzz" -max_total_time="$csv_seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/csv-corpus" 2>&1 | tail -n 12
