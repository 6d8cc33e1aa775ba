#!/usr/bin/env bash
# `npm run demo [-- --keep] [-- --queue]`: the package in a real n8n 2.41.1 against the local ToMoviee
# simulator (--queue: n8n in queue mode, test/tools/demo-queue.js). Installs Node 24 + n8n 2.41.1 into
# ~/.cache/n8n-nodes-tomoviee (first run only, ~5 min), builds the package, then runs test/tools/demo.js
# (whose header tells how to use the real ToMoviee instead).
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
export TOMOVIEE_DEMO_TIMINGS="ensure Node 24 + n8n (cached)=$ensure_seconds;build (npm run build)=$((SECONDS - started))"
exec node test/tools/demo.js "$@"
