#!/usr/bin/env bash
# The production path under a real systemd: builds the Debian package, boots Debian 12 in
# a systemd-nspawn container (private network), installs the package with dpkg and drives
# ftpconf and proftpd.service there. Run by tests/systemd_package.rs, so by
# scripts/test.sh; fails loudly (never skips) when anything it needs is missing.
#
# The container's root file system is built once with mmdebstrap and cached under
# /var/cache/ftpconf-test/, keyed by the package list; every run boots it with
# --volatile=overlay (changes live in a tmpfs and vanish), so the cache stays pristine.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=systemd,systemd-sysv,dbus,procps,proftpd-core,proftpd-mod-crypto,iproute2,man-db
CACHE=/var/cache/ftpconf-test
KEY=$(printf 'bookworm minbase %s hostname v2' "$PACKAGES" | sha256sum | cut -c1-16)
ROOTFS=$CACHE/rootfs-$KEY
MACHINE=ftpconf-pkg-$$
HOST=ftpconf-nas # the container's host name: it resolves nowhere, like a fresh NAS's
STARTED=$(date +%s%N)

step() { printf '\n== %s (at %d ms)\n' "$*" $((($(date +%s%N) - STARTED) / 1000000)); }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

for tool in mmdebstrap systemd-nspawn nsenter; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/test.sh installs it)"
done

step "root file system ($ROOTFS)"
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9 # one build at a time; concurrent runs then share it
if [ ! -e "$ROOTFS/.complete" ]; then
  rm -rf "$ROOTFS.new"
  mmdebstrap --variant=minbase --include="$PACKAGES" bookworm "$ROOTFS.new" \
    || fail "mmdebstrap could not build the container"
  # systemd sets the host name from /etc/hostname at boot (mmdebstrap copies the host's).
  echo "$HOST" >"$ROOTFS.new/etc/hostname"
  touch "$ROOTFS.new/.complete"
  mv "$ROOTFS.new" "$ROOTFS"
fi
flock -u 9

step "package"
# FTPCONF_DEB=FILE tests a package built elsewhere (e.g. the release build).
DEB=${FTPCONF_DEB:-}
if [ -z "$DEB" ]; then
  scripts/build-deb.sh --dev >/tmp/"$MACHINE"-build.log 2>&1 || { cat /tmp/"$MACHINE"-build.log; fail "build-deb.sh"; }
  DEB=$(ls target/debian/ftpconf_*.deb | head -n1)
fi
[ -f "$DEB" ] || fail "no package at $DEB"
DEBDIR=$(mktemp -d /tmp/"$MACHINE".XXXX)
cp "$DEB" "$DEBDIR/ftpconf.deb"

step "boot Debian 12 under systemd (machine $MACHINE, host name $HOST)"
LOG=$DEBDIR/nspawn.log
cleanup() {
  local rc=$?
  if [ -n "${NSPAWN:-}" ]; then
    if [ -n "${PID1:-}" ]; then kill -s SIGRTMIN+4 "$PID1" 2>/dev/null || true; fi # poweroff
    for _ in $(seq 50); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NSPAWN" 2>/dev/null || true
    wait "$NSPAWN" 2>/dev/null || true
    if [ "$rc" != 0 ]; then echo "--- container console:"; tail -n 30 "$LOG"; fi
  fi
  rm -rf "$DEBDIR" /tmp/"$MACHINE"-build.log
  exit "$rc"
}
trap cleanup EXIT
systemd-nspawn -D "$ROOTFS" --volatile=overlay --register=no --keep-unit --private-network \
  --machine="$MACHINE" --hostname="$HOST" --bind-ro="$DEBDIR:/mnt/ftpconf" -b >"$LOG" 2>&1 &
NSPAWN=$!
for _ in $(seq 100); do
  PID1=$(pgrep -P "$NSPAWN" || true)
  [ -n "$PID1" ] && [ "$(cat /proc/"$PID1"/comm 2>/dev/null)" = systemd ] && break
  sleep 0.1
done
[ -n "$PID1" ] || fail "the container did not start: $(cat "$LOG")"
inside() { nsenter -t "$PID1" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
for _ in $(seq 300); do inside test -S /run/systemd/private 2>/dev/null && break; sleep 0.1; done
state=$(timeout 60 nsenter -t "$PID1" -a systemctl is-system-running --wait || true)
echo "system: $state"
case "$state" in running | degraded) ;; *) fail "systemd did not finish booting: $state" ;; esac

step "a host name that does not resolve: Debian's stock proftpd.conf fails"
[ "$(inside hostname)" = "$HOST" ] || fail "the container's host name is $(inside hostname), not $HOST"
inside getent hosts "$HOST" && fail "$HOST resolves; the test needs it not to"
inside systemctl is-active --quiet proftpd && fail "proftpd started on Debian's stock configuration"
grep -q "unable to determine IP address" <<<"$(inside journalctl -u proftpd --no-pager)" \
  || fail "proftpd's stock failure was not the one expected: $(inside journalctl -u proftpd --no-pager)"

step "dpkg -i: the package installs, proftpd.conf untouched, reload guard in place"
before=$(inside md5sum /etc/proftpd/proftpd.conf)
inside dpkg -i /mnt/ftpconf/ftpconf.deb
[ "$(inside md5sum /etc/proftpd/proftpd.conf)" = "$before" ] || fail "installing changed proftpd.conf"
grep -q 'ftpconf-reload-guard.conf' <<<"$(inside systemctl cat proftpd)" || fail "the drop-in is not loaded"
enabled=$(inside systemctl is-enabled proftpd || true)

# (Output is grepped from a string: `cmd | grep -q` fails under pipefail when grep
# stops reading early.)
# Prints ftpconf's output; fails unless it exits with $1.
ftpconf_rc() {
  local want=$1 rc=0 out; shift
  out=$(inside "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | sed 's/^/    /'
  [ "$rc" = "$want" ] || fail "$* exited $rc, expected $want"
  LAST=$out
}
main_pid() { inside systemctl show -p MainPID --value proftpd; }
# The first line a client gets on $1 port $2 (empty when nothing answers).
banner() { inside bash -c "exec 3<>/dev/tcp/$1/$2 && timeout 5 head -n1 <&3" 2>/dev/null || true; }
expect_banner() {
  local got; got=$(banner "$1" "$2")
  [[ $got == 220* ]] || fail "no FTP banner on $1 port $2 (got: ${got:-nothing})"
}

step "ftpconf apply without settings refuses; after ftpconf set, apply --start starts proftpd.service"
ftpconf_rc 3 ftpconf apply --start
grep -q "does not exist" <<<"$LAST" || fail "the refusal does not name the missing settings file"
inside systemctl is-active --quiet proftpd && fail "an apply without settings started proftpd"
ftpconf_rc 0 ftpconf set general.port=21
ftpconf_rc 0 ftpconf apply --start
grep -q 'systemctl start proftpd' <<<"$LAST" || fail "not started through systemd"
grep -q 'answers on 127.0.0.1 and ::1' <<<"$LAST" || fail "not verified on IPv4 and IPv6"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active"
[ "$(inside systemctl is-enabled proftpd || true)" = "$enabled" ] || fail "the enabled state changed"
expect_banner 127.0.0.1 21
expect_banner ::1 21

step "a change is live after apply, by reload (same master pid)"
pid=$(main_pid)
ftpconf_rc 0 ftpconf set general.port=2121
ftpconf_rc 0 ftpconf apply
grep -q 'systemctl reload proftpd' <<<"$LAST" || fail "not reloaded through systemd"
[ "$(main_pid)" = "$pid" ] || fail "proftpd was restarted (pid $pid -> $(main_pid))"
expect_banner 127.0.0.1 2121
expect_banner ::1 2121
[ -z "$(banner 127.0.0.1 21)" ] || fail "port 21 still answers after the move to 2121"
ftpconf_rc 0 ftpconf set general.port=21
ftpconf_rc 0 ftpconf apply
[ "$(main_pid)" = "$pid" ] || fail "proftpd was restarted"

step "a bad Auxiliary Parameters line is refused; proftpd.service stays active"
live=$(inside md5sum /etc/proftpd/proftpd.conf)
ftpconf_rc 0 ftpconf set 'other.auxiliary_parameters=NoSuchDirective on'
ftpconf_rc 1 ftpconf apply
grep -q 'auxiliary_parameters' <<<"$LAST" || fail "the error does not name the field"
[ "$(inside md5sum /etc/proftpd/proftpd.conf)" = "$live" ] || fail "the live file changed"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active"
[ "$(main_pid)" = "$pid" ] || fail "proftpd was restarted"
ftpconf_rc 0 ftpconf set other.auxiliary_parameters=

step "apply --confirm 5 without an answer reverts through systemd"
ftpconf_rc 0 ftpconf set general.clients=7
rc=0
out=$(inside bash -c 'ftpconf apply --confirm 5 < <(sleep 30 2>/dev/null)' 2>&1) || rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
grep -q 'not confirmed' <<<"$out" || fail "no revert after 5 s without an answer (rc $rc)"
[ "$(grep -c 'systemctl reload proftpd' <<<"$out")" -ge 2 ] || fail "the revert did not reload through systemd"
[ "$(inside md5sum /etc/proftpd/proftpd.conf)" = "$live" ] || fail "the revert did not restore proftpd.conf"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active after the revert"
[ "$(main_pid)" = "$pid" ] || fail "the revert restarted proftpd"
expect_banner 127.0.0.1 21
ftpconf_rc 0 ftpconf set general.clients=5

step "SIGKILL of ftpconf in the middle of an apply"
ftpconf_rc 0 ftpconf set general.clients=8
inside bash -c 'FTPCONF_TEST_PAUSE_AT=reload setsid ftpconf apply >/dev/null 2>&1 & echo $! >/run/ftpconf-apply.pid'
for _ in $(seq 100); do inside test -e /var/lib/ftpconf/test-pause && break; sleep 0.1; done
inside test -e /var/lib/ftpconf/test-pause || fail "ftpconf never reached the pause before the reload"
inside bash -c 'kill -KILL "$(cat /run/ftpconf-apply.pid)"; rm -f /var/lib/ftpconf/test-pause'
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active after the kill"
inside proftpd --configtest -c /etc/proftpd/proftpd.conf >/dev/null 2>&1 || fail "the live file is incomplete"
inside grep -q '^MaxClients 8$' /etc/proftpd/proftpd.conf || fail "the new file is not complete in place"
expect_banner 127.0.0.1 21
ftpconf_rc 0 ftpconf apply # the next apply finishes the job (a reload)
[ "$(main_pid)" = "$pid" ] || fail "proftpd was restarted"

step "a hand-written proftpd.conf: refused without --replace-foreign, kept with it; the editor asks"
inside bash -c 'printf "# a note by hand\n" >>/etc/proftpd/proftpd.conf'
hand=$(inside md5sum /etc/proftpd/proftpd.conf)
ftpconf_rc 3 ftpconf apply
grep -q 'hand-written' <<<"$LAST" || fail "the refusal does not say why"
[ "$(inside md5sum /etc/proftpd/proftpd.conf)" = "$hand" ] || fail "the hand-written file was replaced"
ftpconf_rc 0 ftpconf apply --replace-foreign
grep -q '# a note by hand' <<<"$(inside bash -c 'cat /var/lib/ftpconf/replaced-foreign/proftpd.conf.*')" \
  || fail "no copy of the hand-written file was kept"
# The editor's explicit yes, on the real root, keys only at 80x24: Ctrl-S (review), a
# (apply: refused, the question), y (replace), Esc, q.
inside bash -c 'printf "# edited by hand again\n" >>/etc/proftpd/proftpd.conf'
inside bash -c '(sleep 2; printf "\023"; sleep 1; printf a; sleep 3; printf y; sleep 3; printf "\033"; sleep 1; printf q; sleep 1) | TERM=xterm script -qfec "stty cols 80 rows 24; ftpconf" /dev/null >/root/foreign.out 2>&1' \
  || fail "the editor did not end cleanly: $(inside tail -c 600 /root/foreign.out)"
inside grep -q '# edited by hand again' /etc/proftpd/proftpd.conf && fail "the editor's yes did not replace the hand-written file: $(inside tail -c 800 /root/foreign.out)"
grep -q '# edited by hand again' <<<"$(inside bash -c 'cat /var/lib/ftpconf/replaced-foreign/proftpd.conf.*')" \
  || fail "the editor kept no copy of the hand-written file"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active after the editor's apply"
expect_banner 127.0.0.1 21

step "the reload guard: a hand-broken proftpd.conf, then systemctl reload proftpd"
inside cp /etc/proftpd/proftpd.conf /root/good.conf
inside bash -c 'echo "NoSuchDirective on" >>/etc/proftpd/proftpd.conf'
inside systemctl reload proftpd && fail "systemctl reload accepted a broken configuration"
sleep 1 # proftpd would exit ~0.4 s after a HUP with a broken file
inside systemctl is-active --quiet proftpd || fail "proftpd.service went down"
[ "$(main_pid)" = "$pid" ] || fail "proftpd's master changed"
expect_banner 127.0.0.1 21
inside cp /root/good.conf /etc/proftpd/proftpd.conf
inside systemctl reload proftpd || fail "systemctl reload refused a good configuration"

step "clients on non-loopback addresses (veth pair, client in its own network namespace)"
inside ip link add ftpconf-s type veth peer name ftpconf-c
inside ip addr add 192.0.2.1/24 dev ftpconf-s
inside ip -6 addr add fd00:f7c::1/64 dev ftpconf-s nodad
inside ip link set ftpconf-s up
inside bash -c 'setsid unshare -n sleep 120 >/dev/null 2>&1 & echo $! >/run/ftpconf-client.pid'
client=$(inside cat /run/ftpconf-client.pid)
for _ in $(seq 50); do [ "$(inside readlink /proc/"$client"/ns/net)" != "$(inside readlink /proc/1/ns/net)" ] && break; sleep 0.1; done
inside ip link set ftpconf-c netns "$client"
cin() { inside nsenter -t "$client" -n "$@"; }
cin ip addr add 192.0.2.2/24 dev ftpconf-c
cin ip -6 addr add fd00:f7c::2/64 dev ftpconf-c nodad
cin ip link set ftpconf-c up
cin ip link set lo up
from_client() { cin bash -c "exec 3<>/dev/tcp/$1/21 && timeout 5 head -n1 <&3" 2>/dev/null || true; }
got=$(from_client 192.0.2.1); echo "    IPv4: $got"; [[ $got == 220* ]] || fail "no banner on 192.0.2.1"
got=$(from_client fd00:f7c::1); echo "    IPv6: $got"; [[ $got == 220* ]] || fail "no banner on fd00:f7c::1"
# As the man page's GETTING STARTED goes: local users log in with their passwords.
ftpconf_rc 0 ftpconf set access.local_user_login=true
ftpconf_rc 0 ftpconf apply
inside useradd -m -s /bin/bash ftpconf-pkg-user
inside bash -c 'echo ftpconf-pkg-user:Pkg-Secret-1 | chpasswd'
# Logs in over a raw control connection; prints the reply to PASS (its last line).
login_from_client() {
  cin bash -c "exec 3<>/dev/tcp/$1/21 || exit 1
    reply() { while IFS= read -r -t 5 line <&3; do [[ \$line =~ ^[0-9]{3}\  ]] && { echo \"\$line\"; return; }; done; }
    reply >/dev/null; printf 'USER ftpconf-pkg-user\r\n' >&3; reply >/dev/null
    printf 'PASS Pkg-Secret-1\r\n' >&3; reply; printf 'QUIT\r\n' >&3" 2>/dev/null || true
}
got=$(login_from_client 192.0.2.1); echo "    IPv4 login: $got"; [[ $got == 230* ]] || fail "no login on 192.0.2.1"
got=$(login_from_client fd00:f7c::1); echo "    IPv6 login: $got"; [[ $got == 230* ]] || fail "no login on fd00:f7c::1"
# A client that asks for a passive port and never connects to it (what a blocked passive
# range looks like from the server): `ftpconf log` finds it in the data-connection log of
# the production proftpd (listening on IPv6, so the client shows as a mapped address).
cin bash -c "exec 3<>/dev/tcp/192.0.2.1/21 || exit 1
  reply() { while IFS= read -r -t 5 line <&3; do [[ \$line =~ ^[0-9]{3}\  ]] && { echo \"\$line\"; return; }; done; }
  reply >/dev/null; printf 'USER ftpconf-pkg-user\r\n' >&3; reply >/dev/null
  printf 'PASS Pkg-Secret-1\r\n' >&3; reply >/dev/null; printf 'PASV\r\n' >&3; reply; printf 'QUIT\r\n' >&3; reply" >/dev/null 2>&1 || true
for _ in $(seq 50); do grep -q 'never opened it' <<<"$(inside ftpconf log)" && break; sleep 0.1; done
ftpconf_rc 0 ftpconf log
grep -q 'from [:f]*192.0.2.2 was offered 192.0.2.1 port [0-9]* (PASV) and never opened it' <<<"$LAST" \
  || fail "ftpconf log did not find the passive offer the client never took"
grep -q 'setting: forward the passive range' <<<"$LAST" || fail "ftpconf log did not name the passive range"
inside kill "$client"

step "service control and status through systemd"
ftpconf_rc 0 ftpconf status --json
grep -q '"state": "running"' <<<"$LAST" || fail "status --json does not report running"
grep -q '"manager": "systemd"' <<<"$LAST" || fail "status --json does not name systemd as the manager"
was=$(inside systemctl is-enabled proftpd || true)
grep -q "\"state\": \"$was\"" <<<"$LAST" || fail "status --json does not give start at boot as $was"
ftpconf_rc 0 ftpconf service disable
[ "$(inside systemctl is-enabled proftpd || true)" = disabled ] || fail "service disable left proftpd $(inside systemctl is-enabled proftpd)"
ftpconf_rc 0 ftpconf service enable
[ "$(inside systemctl is-enabled proftpd || true)" = enabled ] || fail "service enable left proftpd $(inside systemctl is-enabled proftpd)"
# The same from the editor, at 80x24 with the keyboard alone: v (Service screen), e (start
# at boot on), y (yes), Esc, q.
ftpconf_rc 0 ftpconf service disable
inside bash -c '(sleep 2; printf v; sleep 1; printf e; sleep 1; printf y; sleep 3; printf "\033"; sleep 1; printf q; sleep 1) | TERM=xterm script -qfec "stty cols 80 rows 24; ftpconf" /dev/null >/root/editor.out 2>&1' \
  || fail "the editor did not end cleanly: $(inside tail -c 600 /root/editor.out)"
[ "$(inside systemctl is-enabled proftpd || true)" = enabled ] || fail "the editor's start at boot left proftpd $(inside systemctl is-enabled proftpd)"
[ "$was" = enabled ] || ftpconf_rc 0 ftpconf service disable # as it was
before=$(main_pid)
ftpconf_rc 0 ftpconf service restart --yes
after=$(main_pid)
[ "$after" != "$before" ] && [ "$after" != 0 ] || fail "restart did not start a new master ($before -> $after)"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active after restart"
ftpconf_rc 0 ftpconf service stop --yes
inside systemctl is-active --quiet proftpd && fail "service stop left proftpd.service active"
ftpconf_rc 3 ftpconf status
ftpconf_rc 0 ftpconf service start
inside systemctl is-active --quiet proftpd || fail "service start did not start proftpd.service"
expect_banner 127.0.0.1 21

step "a failed unit: status says so (exit 6) with systemd's reason; service start refuses the broken file"
ftpconf_rc 0 ftpconf service stop --yes
inside cp /etc/proftpd/proftpd.conf /root/live.conf
inside bash -c 'echo "NoSuchDirective on" >>/etc/proftpd/proftpd.conf'
inside systemctl start proftpd && fail "systemd started proftpd on a broken file"
[ "$(inside systemctl is-failed proftpd || true)" = failed ] || fail "proftpd.service is not failed"
ftpconf_rc 6 ftpconf status
grep -q 'failed' <<<"$LAST" || fail "status does not say the unit failed"
grep -q "unknown configuration directive 'NoSuchDirective'" <<<"$LAST" || fail "status does not give the reason from the log"
grep -q 'exit status 0' <<<"$LAST" && fail "status quotes the main process's status 0 for a failed configuration test"
ftpconf_rc 3 ftpconf service start
grep -q 'NoSuchDirective' <<<"$LAST" || fail "service start does not name the broken line"
grep -q 'nothing was changed' <<<"$LAST" || fail "service start does not say nothing changed"
inside cp /root/live.conf /etc/proftpd/proftpd.conf
ftpconf_rc 0 ftpconf service start
inside systemctl is-active --quiet proftpd || fail "service start did not bring the failed unit back"
ftpconf_rc 0 ftpconf status
expect_banner 127.0.0.1 21

step "the data-connection log: created 0640, written by proftpd under systemd; its logrotate rule a conffile"
inside test -f /var/log/proftpd/data.log || fail "no data-connection log"
mode=$(inside stat -c %a /var/log/proftpd/data.log)
[ "$mode" = 640 ] || fail "data.log has mode $mode, not 640"
expect_banner 127.0.0.1 21
for _ in $(seq 50); do grep -q ' EXIT ' <<<"$(inside cat /var/log/proftpd/data.log)" && break; sleep 0.1; done
grep -q ' EXIT ' <<<"$(inside cat /var/log/proftpd/data.log)" || fail "proftpd wrote no session end to data.log"
grep -q '/etc/logrotate.d/ftpconf' <<<"$(inside dpkg-query -W -f='${Conffiles}' ftpconf)" \
  || fail "/etc/logrotate.d/ftpconf is not a conffile"

step "man pages and completions"
grep -q 'RELOAD GUARD\|reload-guard' <<<"$(inside man -P cat ftpconf)" || fail "man ftpconf lacks the reload guard"
grep -q -- '--replace-foreign' <<<"$(inside man -P cat ftpconf-apply)" || fail "man ftpconf-apply"
words=$(inside bash -c 'source /usr/share/bash-completion/completions/ftpconf
  COMP_WORDS=(ftpconf ap); COMP_CWORD=1; _ftpconf ftpconf ap ftpconf; echo "${COMPREPLY[*]}"')
[[ $words == *apply* ]] || fail "bash completion of 'ftpconf ap' gave: $words"
inside test -s /usr/share/zsh/vendor-completions/_ftpconf || fail "zsh completion missing"
inside test -s /usr/share/fish/vendor_completions.d/ftpconf.fish || fail "fish completion missing"
inside test -s /usr/share/doc/ftpconf/README.md || fail "README missing"

step "dpkg --purge keeps settings and backups; the guard goes"
inside dpkg --purge ftpconf
inside test -s /etc/ftpconf/ftpconf.toml || fail "purge removed the settings"
inside test -d /var/lib/ftpconf/backups || fail "purge removed the backups"
grep -q 'ftpconf-reload-guard' <<<"$(inside systemctl cat proftpd)" && fail "the drop-in is still loaded"
inside test -e /etc/logrotate.d/ftpconf && fail "purge left the logrotate rule"
inside systemctl is-active --quiet proftpd || fail "proftpd.service is not active after the purge"

step "all checks passed"
