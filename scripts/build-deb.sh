#!/usr/bin/env bash
# Builds the Debian package: target/debian/ftpconf_<version>-1_<arch>.deb
#
#   scripts/build-deb.sh          release build (what you ship)
#   scripts/build-deb.sh --dev    the debug build the tests already made (tests/systemd_package.rs)
#
# Installs cargo-deb from crates.io when it is missing. Man pages and completions are
# generated from the clap definitions by examples/ftpconf-gen-assets.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
if [ "${1:-}" = "--dev" ]; then profile=dev; fi

if ! cargo deb --version >/dev/null 2>&1; then
  echo "Installing cargo-deb (crates.io)"
  cargo install cargo-deb --locked
fi

cargo build --profile "$profile" --bin ftpconf
assets=target/deb-assets
rm -rf "$assets"
# The generator is a build tool: its debug build writes the same files and reuses the
# test build's dev-dependencies.
cargo run --quiet --example ftpconf-gen-assets -- "$assets"
# Debian ships man pages gzipped; -n keeps the package reproducible (no name or time).
gzip -9n "$assets"/man/*.1
# The binary of the chosen profile, staged so that cargo-deb packages either one.
dir=release; if [ "$profile" = dev ]; then dir=debug; fi
mkdir -p "$assets/bin"
cp "target/$dir/ftpconf" "$assets/bin/ftpconf"
strip --strip-debug "$assets/bin/ftpconf"

# --no-build: built above. cargo-deb strips the binary and works out its library
# dependencies ($auto) with dpkg-shlibdeps.
deb=$(cargo deb --no-build 2>&1 | tee /dev/stderr | tail -n1)
echo "package: $deb"
