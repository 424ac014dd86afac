#!/usr/bin/env bash
# The one test command (README, CI): install the Debian packages the tests need (scripts/setup-host.sh),
# fetch the real test bed if needed, build, typecheck, then every
# test. Unit and real-input tests run in parallel workers; QEMU boot tests run one file at a time so
# that the harness's limit of two VMs holds for the whole machine (CI has two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh test
bash test/fixtures/fetch.sh
npm run --silent build
npx tsc -p tsconfig.json --noEmit
npx vitest run test/unit test/real "$@"
npx vitest run --no-file-parallelism test/boot "$@"
