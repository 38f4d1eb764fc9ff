#!/usr/bin/env bash
# Builds the GS1 parser's libFuzzer target and runs it for a bounded time (default 30 s).
# Usage: provisioning/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=.build/fuzz
mkdir -p "$out/corpus"
cp -n Tests/Fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
if ! swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name GS1Fuzz \
  Core/GS1/*.swift Core/WireFormat.swift Tests/Fuzz/GS1ParserFuzz.swift -o "$out/gs1-parser-fuzz" >"$out/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$out/build.log" >&2
  exit 1
fi
echo "fuzzing the GS1 parser for ${seconds}s (libFuzzer, AddressSanitizer)"
"$out/gs1-parser-fuzz" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" 2>&1 | tail -n 12
