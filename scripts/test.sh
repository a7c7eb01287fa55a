#!/usr/bin/env bash
# Runs every ftpconf test. Installs what the tests need when it is missing (Debian 12, as root):
# the real proftpd (proftpd-core, proftpd-mod-crypto), FTP clients (lftp, curl, python3 ftplib), openssl
# (test certificates), tmux (end-to-end screen tests), iproute2 and nftables (NAT tests in network
# namespaces), logrotate (the package's rule for ftpconf's logs), strace (fault injection) and
# python3-venv (ansible-core for tests/fleet_ansible.rs, installed from PyPI into
# /var/cache/ftpconf-test/ansible-venv-*);
# for the Debian package under a real systemd (tests/systemd_package.rs): mmdebstrap,
# systemd-container and cargo-deb.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in proftpd-core proftpd-mod-crypto lftp curl openssl tmux python3 python3-venv strace iproute2 nftables logrotate mmdebstrap systemd-container; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  # Installing proftpd must not start a system daemon on port 21: hold service starts back.
  created=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$created" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now proftpd.service 2>/dev/null || true
  fi
fi

if ! cargo deb --version >/dev/null 2>&1; then
  echo "Installing cargo-deb (builds the Debian package the systemd test installs)"
  cargo install cargo-deb --locked
fi

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
else
  cargo test --workspace --no-fail-fast "$@"
fi
