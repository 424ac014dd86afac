#!/usr/bin/env bash
# The one test command (README, CI): fetch the real test bed if needed, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/fixtures/fetch.sh
npx tsc -p tsconfig.build.json
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
