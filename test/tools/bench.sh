#!/usr/bin/env bash
# npm run bench [-- --reps 3 --quick --only submit,ratelimit,wait,waitmem,faults,callback --latency 50 --poll 2 --out FILE]
# The ToMoviee node vs n8n's HTTP Request node (issue 5), in-process through n8n-core's engine,
# against the local simulator. Needs the cached real n8n (for n8n-nodes-base's HTTP Request
# node); installs it on first use. Not a test: prints markdown tables, writes bench-results/bench.json.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${TOMOVIEE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-tomoviee}"
if [[ ! -f "$CACHE/n8n-2.41.1/.install-complete" ]]; then
	bash test/tools/ensure-n8n.sh >/dev/null
fi
export TOMOVIEE_CACHE="$CACHE"

# The runner loads the TypeScript sources directly (transpile-only), so no build is needed.
exec node test/bench/bench.js "$@"
