#!/usr/bin/env bash
# npm run bench [-- --reps 3 --quick --only submit,ratelimit,wait,waitmem,faults,callback --latency 50 --poll 2 --out FILE]
# The ToMoviee node vs n8n's HTTP Request node (issue 5), in-process through n8n-core's engine,
# against the local simulator; see test/bench/README.md. Needs the cached real n8n (for
# n8n-nodes-base's HTTP Request node): the runner loads the TypeScript sources directly, no build.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(bash test/tools/ensure-n8n.sh)" # installs n8n 2.41.1 on first use
export TOMOVIEE_NODE24_BIN TOMOVIEE_N8N_BIN
exec node test/bench/bench.js "$@"
