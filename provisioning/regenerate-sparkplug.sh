#!/usr/bin/env bash
# Regenerates Agent/SparkplugB/sparkplug_b.pb.swift from Agent/SparkplugB/sparkplug_b.proto. Run only when the
# .proto changes: the generated file is committed and the normal build needs neither protoc nor a plugin.
# Needs Debian's protoc (apt-get install -y protobuf-compiler) and builds swift-protobuf's protoc-gen-swift, at the
# version Package.resolved pins, in a temporary folder (about ten minutes on two cores).
#   provisioning/regenerate-sparkplug.sh [path/to/protoc-gen-swift]
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.39.0
plugin=${1:-}
if [ -z "$plugin" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  git clone --quiet https://github.com/apple/swift-protobuf.git "$work/swift-protobuf"
  git -C "$work/swift-protobuf" checkout --quiet "$version"
  (cd "$work/swift-protobuf" && swift build -c release --product protoc-gen-swift)
  plugin="$work/swift-protobuf/.build/release/protoc-gen-swift"
fi
protoc --plugin=protoc-gen-swift="$plugin" --proto_path=Agent/SparkplugB \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
  --swift_out=Agent/SparkplugB Agent/SparkplugB/sparkplug_b.proto
echo "regenerated Agent/SparkplugB/sparkplug_b.pb.swift with protoc $(protoc --version | cut -d' ' -f2) and swift-protobuf $version"
