#!/usr/bin/env bash
# Packs gantry-agent and gantry-hub from a build folder into release archives and Debian packages:
#   provisioning/dist.sh --bin .build/release --out dist
# writes, per binary, OUT/gantry-BINARY-VERSION-linux-ARCH.tar.gz (binary, unit, example configuration, docs) and
# OUT/gantry-BINARY_VERSION_DEBARCH.deb. `make dist` calls it on a release build linked with --static-swift-stdlib;
# the tests call it on their debug build, which links the Swift runtime from the toolchain (--allow-toolchain-libs).
# VERSION is GantryVersion.current (Core/GantryVersion.swift), the one both binaries print with --version.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="" out="" allow_toolchain=no deb_compression=(-Zxz) gzip_level=-9
while (($#)); do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --allow-toolchain-libs) allow_toolchain=yes; shift ;;
    # Quick compression, for the tests' large debug binaries.
    --fast) deb_compression=(-Zgzip -z1); gzip_level=-1; shift ;;
    *) echo "usage: $0 --bin BUILD_DIR --out OUT_DIR [--allow-toolchain-libs] [--fast]" >&2; exit 2 ;;
  esac
done
[ -n "$bin" ] && [ -n "$out" ] || { echo "usage: $0 --bin BUILD_DIR --out OUT_DIR [--allow-toolchain-libs] [--fast]" >&2; exit 2; }

version="$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' "$root/Core/GantryVersion.swift")"
[ -n "$version" ] || { echo "dist: no version in Core/GantryVersion.swift" >&2; exit 1; }
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The Debian packages that hold the shared libraries $1 needs itself (what dpkg-shlibdeps would find, without a
# debian/ source tree). A library from the Swift toolchain belongs to no package: refused unless
# --allow-toolchain-libs.
depends_of() {
  local binary="$1" packages=() lib path owner needed
  needed=" $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
  while read -r lib path; do
    [ -n "$path" ] || continue
    [[ "$needed" == *" $lib "* ]] || continue
    owner="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true)"
    if [ -z "$owner" ]; then
      if [ "$allow_toolchain" = no ]; then
        echo "dist: $binary loads $lib from $path, which no Debian package provides (build with --static-swift-stdlib)" >&2
        exit 1
      fi
      continue
    fi
    packages+=("${owner%%:*}")
  done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
  printf '%s\n' "${packages[@]}" adduser | sort -u | paste -sd, | sed 's/,/, /g'
}

# Both binaries are checked before anything is written.
declare -A depends
for name in agent hub; do
  [ -x "$bin/gantry-$name" ] || { echo "dist: no $bin/gantry-$name" >&2; exit 1; }
  depends[$name]="$(depends_of "$bin/gantry-$name")"
done

for name in agent hub; do
  program="gantry-$name"

  # The archive: everything under one folder named after it.
  folder="$program-$version-linux-$arch"
  stage="$work/$folder"
  install -d "$stage/docs"
  install -m 0755 "$bin/$program" "$stage/$program"
  install -m 0644 "$root/provisioning/systemd/$program.service" "$root/provisioning/systemd/$program-backup.service" \
    "$root/provisioning/systemd/$program-backup.timer" "$stage/"
  install -m 0644 "$root/provisioning/examples/$name.conf" "$stage/$name.conf.example"
  install -m 0644 "$root/README.md" "$root/docs/operations.md" "$root/docs/http-api.md" "$root/docs/sync-protocol.md" "$stage/docs/"
  tar -C "$work" --owner=0 --group=0 --numeric-owner -cf - "$folder" | gzip "$gzip_level" > "$out/$folder.tar.gz"

  # The Debian package, one per binary: a plant server runs only the agent, the hub's host only the hub.
  package="$work/deb-$name"
  install -d "$package/DEBIAN" "$package/usr/bin" "$package/lib/systemd/system" "$package/etc/gantry" \
    "$package/usr/share/doc/$program"
  install -m 0755 "$bin/$program" "$package/usr/bin/"
  # The hourly backup comes with it, installed and not enabled (docs/operations.md, Backups).
  install -m 0644 "$root/provisioning/systemd/$program.service" "$root/provisioning/systemd/$program-backup.service" \
    "$root/provisioning/systemd/$program-backup.timer" "$package/lib/systemd/system/"
  # The configuration is the group's to read (the service runs as gantry), nobody else's: postinst sets the group.
  install -m 0640 "$root/provisioning/examples/$name.conf" "$package/etc/gantry/$name.conf"
  install -m 0644 "$root/README.md" "$root/docs/operations.md" "$root/docs/http-api.md" "$root/docs/sync-protocol.md" \
    "$package/usr/share/doc/$program/"
  echo "/etc/gantry/$name.conf" > "$package/DEBIAN/conffiles"
  size="$(du -sk --exclude=DEBIAN "$package" | cut -f1)"
  description="Gantry plant agent: scans, machines and stock at the plant, synced to the hub"
  [ "$name" = hub ] && description="Gantry hub: the plants' events, masters and reports in one place"
  cat > "$package/DEBIAN/control" <<EOF
Package: $program
Version: $version
Architecture: $debarch
Maintainer: Gantry <gantry@example.com>
Installed-Size: $size
Depends: ${depends[$name]}
Section: misc
Priority: optional
Homepage: https://example.com/gantry
Description: $description
 Runs as the system user gantry under systemd (unit $program.service, Type=notify,
 sandboxed). The configuration is /etc/gantry/$name.conf, secrets go in /etc/gantry/$name.env,
 data lives in /var/lib/gantry. See /usr/share/doc/$program/operations.md.
EOF
  for script in postinst prerm postrm; do
    sed "s/@PROGRAM@/$program/g; s/@NAME@/$name/g" "$root/provisioning/debian/$script" > "$package/DEBIAN/$script"
    chmod 0755 "$package/DEBIAN/$script"
  done
  dpkg-deb --root-owner-group "${deb_compression[@]}" --build "$package" "$out/${program}_${version}_${debarch}.deb" >/dev/null
done
ls -1 "$out"
