#!/usr/bin/env bash
# `pnpm test`: lint, type checks and every test suite, against a real S3 (Ceph RGW, started here unless
# S3_ENDPOINT is set) and Debian's Chromium. Ends with one line: "Tests: N passed, N failed".
set -Eeuo pipefail
cd "$(dirname "$0")/.."

# A fresh clone: install the workspace first.
[[ -f node_modules/.modules.yaml ]] || pnpm install --frozen-lockfile
# The browser tests drive Debian's Chromium (never a downloaded browser); the limit tests a real Redis.
missing=()
[[ -n "${CHROMIUM_PATH:-}" ]] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian's ${missing[*]} ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    echo "test: missing ${missing[*]}: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

reports="$(pwd)/.test-reports"
rm -rf "$reports" && mkdir -p "$reports"
export VITEST_REPORTS_DIR="$reports"

status=0
# Lint first (ESLint with zero warnings, Prettier): it needs no store, and a failure counts in the
# closing line like a failed test.
if pnpm lint; then lint=(1 0); else lint=(0 1) status=1; fi
printf '{"numPassedTests":%d,"numFailedTests":%d}\n' "${lint[@]}" >"$reports/lint.json"

export S3_DATA_DIR="${S3_DATA_DIR:-/tmp/typed-s3-uploads-test}" S3_PORT="${S3_PORT:-7481}" CEPH_MON_PORT="${CEPH_MON_PORT:-46790}"
# In RAM; the multipart tests store several 300 MiB files, and RGW frees deleted data only later.
export CEPH_MEMSTORE_BYTES="${CEPH_MEMSTORE_BYTES:-8589934592}"
started=0
if [[ -z "${S3_ENDPOINT:-}" ]]; then
  env_lines="$(bash scripts/local-s3/ceph-rgw-start.sh)"
  set -a
  eval "$env_lines"
  set +a
  started=1
fi
cleanup() { if ((started)); then bash scripts/local-s3/ceph-rgw-stop.sh --purge >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

# --continue: one failing package must not hide the results of the others.
pnpm exec turbo run typecheck test --env-mode=loose --concurrency=1 --log-order=grouped --continue || status=$?

node scripts/summarize-tests.mjs "$reports" || status=1
exit "$status"
