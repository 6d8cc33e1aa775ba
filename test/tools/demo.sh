#!/usr/bin/env bash
# `npm run demo [-- --keep] [-- --queue]`: the package in a real n8n 2.41.1 against the local ToMoviee simulator.
# --queue: n8n in queue mode (main + worker + 2 webhook processes behind a small load balancer,
# PostgreSQL + Redis from Debian packages via test/tools/ensure-services.sh); see test/tools/demo-queue.js.
# 1. installs Node 24 + n8n 2.41.1 into ~/.cache/n8n-nodes-tomoviee (first run only, ~5 min)
# 2. builds the package (npm run build)
# 3. test/tools/demo.js: simulator + n8n on 127.0.0.1, imports examples/, runs them, prints a summary
# Real ToMoviee instead of the simulator: see the header of test/tools/demo.js.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$SECONDS
echo "[demo] making sure Node 24 and n8n 2.41.1 are installed (first run: about 5 minutes)..."
eval "$(bash test/tools/ensure-n8n.sh)"
export TOMOVIEE_NODE24_BIN TOMOVIEE_N8N_BIN
ensure_seconds=$((SECONDS - started))

started=$SECONDS
if [ ! -d node_modules/typescript ]; then
	echo "[demo] node_modules is missing: run \`npm ci\` first" >&2
	exit 1
fi
echo "[demo] building the package (npm run build)..."
if ! build_log=$(npm run --silent build 2>&1); then
	echo "$build_log" >&2
	echo "[demo] the build failed" >&2
	exit 1
fi
build_seconds=$((SECONDS - started))

export TOMOVIEE_DEMO_TIMINGS="ensure Node 24 + n8n (cached)=$ensure_seconds;build (npm run build)=$build_seconds"
exec node test/tools/demo.js "$@"
