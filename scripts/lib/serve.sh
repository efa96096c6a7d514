# Helpers for the scripts that drive a running `portal serve` over HTTP (scripts/load-test,
# scripts/soak-test, scripts/crash-test-serve). Sourced, not run. Every server listens on
# 127.0.0.1 only, on a port the system picks.
#
# Before sourcing, the script sets `work` (its temporary folder) and `me` (its name, for
# messages). The helpers set:
#   PORTAL_BIN    the binary (built with cargo, release profile, unless already set)
#   serve_pid     the running server's process id (empty when none runs)
#   serve_url     http://127.0.0.1:PORT
# shellcheck shell=bash
: "${me:?set me before sourcing}" "${work:?set work before sourcing}"

# A command that fails unexpectedly (set -e) names itself, in functions and subshells too.
set -o errtrace
trap 'echo "$me: FAILED: line $LINENO: \"$BASH_COMMAND\" exited with status $?" >&2' ERR

fail() {
  echo "$me: FAILED: $*" >&2
  exit 1
}

# need COMMAND [PACKAGE]: installs the Debian package (named like the command by default) when
# the command is missing.
need() {
  command -v "$1" >/dev/null && return 0
  echo "$me: installing ${2:-$1} (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${2:-$1}" >/dev/null; }; then
    fail "$1 is not installed and apt-get could not install ${2:-$1}"
  fi
}

# The release binary: the figures are about the portal as it is deployed.
portal_binary() {
  if [ -z "${PORTAL_BIN:-}" ]; then
    cargo build --locked --quiet --release --bin portal
    PORTAL_BIN="${CARGO_TARGET_DIR:-target}/release/portal"
  fi
  [ -x "$PORTAL_BIN" ] || fail "no portal binary at $PORTAL_BIN"
}

# portal DATA_DIR ARGS…: the binary on that data folder (and its index beside it).
portal_on() {
  local data=$1
  shift
  "$PORTAL_BIN" --data-dir "$data" --index-dir "$data.index" "$@"
}

# A random password of 24 letters and digits.
random_password() {
  local password
  password=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  printf '%s' "$password"
}

# set_passwords DATA_DIR: sets the member password and the admin `admin`'s, before the server
# starts (so it generates none), and keeps them in $work/member-password, $work/admin-password.
set_passwords() {
  local data=$1
  mkdir -p "$data"
  random_password >"$work/member-password"
  random_password >"$work/admin-password"
  portal_on "$data" set-password member <"$work/member-password" >/dev/null ||
    fail "cannot set the member password"
  portal_on "$data" set-password admin admin <"$work/admin-password" >/dev/null ||
    fail "cannot set the admin password"
}

# start_serve DATA_DIR [SERVE FLAGS…]: starts `portal serve` on 127.0.0.1 and a free port and
# waits (up to SERVE_START_SECONDS, default 600) until it listens. Output goes to
# $work/serve.out and $work/serve.err.
start_serve() {
  local data=$1
  shift
  : >"$work/serve.out"
  "$PORTAL_BIN" --data-dir "$data" --index-dir "$data.index" serve --addr 127.0.0.1:0 "$@" \
    >"$work/serve.out" 2>>"$work/serve.err" &
  serve_pid=$!
  wait_for_line "$work/serve.out" 'listening on http://127\.0\.0\.1:[0-9]*' "listen"
  serve_url=$(grep -m 1 -o 'listening on http://127\.0\.0\.1:[0-9]*' "$work/serve.out")
  serve_url=${serve_url#listening on }
}

# wait_up_to_date: waits until the server has dealt with what expired or fell due before it
# started (its first round of archiving and reminders), so that a measurement sees it settled.
wait_up_to_date() {
  wait_for_line "$work/serve.err" 'expiries and reminders up to date' "catch up"
}

# wait_for_line FILE PATTERN WHAT: waits until the server writes a line matching PATTERN to
# FILE; fails if it stops first, or after SERVE_START_SECONDS (600) with "did not WHAT".
wait_for_line() {
  local waited=0 limit=$((${SERVE_START_SECONDS:-600} * 10))
  until grep -q -- "$2" "$1"; do
    kill -0 "$serve_pid" 2>/dev/null ||
      fail "portal serve stopped while starting: $(tail -n 5 "$work/serve.err")"
    waited=$((waited + 1))
    [ "$waited" -lt "$limit" ] || fail "portal serve did not $3 within $((limit / 10)) s"
    sleep 0.1
  done
}

# stop_serve [SIGNAL]: stops the server (TERM by default, and waits for it); KILL kills it.
stop_serve() {
  local signal=${1:-TERM}
  [ -n "${serve_pid:-}" ] || return 0
  kill "-$signal" "$serve_pid" 2>/dev/null || true
  { wait "$serve_pid"; } 2>/dev/null || true
  serve_pid=
}

# rss_kib PID [FIELD]: a /proc/PID/status memory field in KiB (VmRSS by default; RssAnon,
# RssFile …); empty when the process is gone.
rss_kib() {
  sed -n "s/^${2:-VmRSS}:[[:space:]]*\([0-9]*\) kB$/\1/p" "/proc/$1/status" 2>/dev/null || true
}

# cpu_ticks PID: the user and system time a process has used so far, all its threads, in
# clock ticks (getconf CLK_TCK a second).
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# login member | login admin NAME: logs in and prints the session cookie, NAME=VALUE, as the
# server set it.
login() {
  local admin=${2:-} password_file=$work/member-password status
  [ "$1" = member ] || password_file=$work/admin-password
  status=$(curl -sS -o /dev/null -D "$work/login-headers" -w '%{http_code}' \
    --data-urlencode "password@$password_file" --data-urlencode "admin=$admin" \
    "$serve_url/login") || fail "cannot reach $serve_url/login"
  [ "$status" = 303 ] || fail "login${admin:+ as $admin} answered $status, not 303"
  sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p' "$work/login-headers" | head -n 1
}

# csrf_token COOKIE: the session's CSRF token, read from the review queue's forms (admins).
csrf_token() {
  curl -sS -b "$1" "$serve_url/admin/queue" |
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}
