#!/usr/bin/env bash
# PostgreSQL and Redis for the queue-mode e2e stage and `npm run demo -- --queue`: installed from
# Debian packages when missing, started on 127.0.0.1 on ports of their own (never 5432/6379), in a
# throwaway folder that `stop` deletes again.
#
#   bash test/tools/ensure-services.sh install
#       apt-get installs the PostgreSQL server and redis-server when missing (a no-op, well under a
#       second, when both are there). Starts nothing: the packages' own services stay off.
#   eval "$(bash test/tools/ensure-services.sh start [--dir DIR] [--pg-port N] [--redis-port N] [--watch-pid PID])"
#       install, then initdb + pg_ctl start and redis-server in DIR (default: a new folder under
#       $TMPDIR); stdout: `export TOMOVIEE_PG_*=... TOMOVIEE_REDIS_*=... TOMOVIEE_SERVICES_DIR=...`.
#       --watch-pid: a detached watcher runs `stop` when that process is gone (a killed test run
#       leaves nothing behind).
#   bash test/tools/ensure-services.sh stop DIR
#       stops both servers started in DIR and deletes DIR. Safe to call twice.
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user the
# Debian package creates. Durability is off (fsync, synchronous_commit): the data is thrown away.
# Progress goes to stderr.
set -euo pipefail

SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
PG_USER=tomoviee
PG_PASSWORD=tomoviee
PG_DATABASE=n8n
START_TIMEOUT_S=60

progress() { echo "[ensure-services] $*" >&2; }
die() {
	progress "$*"
	exit 1
}

pg_bindir() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]] && {
			echo "$dir"
			return 0
		}
	done
	return 1
}

have_services() { pg_bindir >/dev/null && command -v redis-server >/dev/null && command -v redis-cli >/dev/null; }

apt_install() {
	local packages=("$@") created_policy=0 rc=0
	if [[ $(id -u) -ne 0 ]]; then
		# A CI runner (GitHub Actions) is not root but has password-less sudo: install through it.
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo -n -E bash "${BASH_SOURCE[0]}" install >&2
			return
		fi
		die "PostgreSQL/Redis are missing and installing them needs root: apt-get install ${packages[*]}"
	fi
	# The packages' maintainer scripts must not start a cluster on 5432 or a Redis on 6379.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created_policy=1
	fi
	local apt=(apt-get -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold)
	export DEBIAN_FRONTEND=noninteractive
	if ! "${apt[@]}" install "${packages[@]}" >&2; then
		progress "apt-get install failed; running apt-get update once and trying again"
		apt-get -q -o DPkg::Lock::Timeout=300 update >&2 || true
		"${apt[@]}" install "${packages[@]}" >&2 || rc=$?
	fi
	[[ $created_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
	return "$rc"
}

cmd_install() {
	have_services && return 0
	local missing=()
	pg_bindir >/dev/null || missing+=(postgresql)
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
	progress "installing ${missing[*]} from Debian packages (first run only, about a minute)..."
	local started=$SECONDS
	apt_install "${missing[@]}"
	have_services || die "still missing after apt-get: PostgreSQL server ($(pg_bindir || echo none)) or redis-server"
	# A cluster or server the packages started anyway is theirs, not ours; ours never use the default ports.
	progress "installed in $((SECONDS - started)) s"
}

free_port() {
	node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Runs a command as the owner of the cluster (root may not run PostgreSQL).
as_pg_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

wait_for_port() {
	local port=$1 label=$2 deadline=$((SECONDS + START_TIMEOUT_S))
	until (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		((SECONDS < deadline)) || die "$label did not listen on 127.0.0.1:$port within $START_TIMEOUT_S s"
		sleep 0.1
	done
}

start_postgres() {
	local dir=$1 port=$2 bindir
	bindir=$(pg_bindir)
	mkdir -p "$dir/pg"
	if [[ $(id -u) -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "no 'postgres' user to own the cluster (the Debian package creates it)"
		chown postgres: "$dir/pg"
		runuser -u postgres -- test -x "$dir/pg" ||
			die "the postgres user cannot reach $dir/pg: every folder above it must be searchable (chmod o+x)"
	fi
	chmod 700 "$dir/pg"
	printf '%s\n' "$PG_PASSWORD" >"$dir/pg.pw"
	chmod 644 "$dir/pg.pw"
	as_pg_owner "$bindir/initdb" -D "$dir/pg/data" -U "$PG_USER" --pwfile="$dir/pg.pw" --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n 20 "$dir/initdb.log")"
	cat >>"$dir/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/pg'
max_connections = 200
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
EOF
	as_pg_owner "$bindir/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t "$START_TIMEOUT_S" start >/dev/null ||
		die "PostgreSQL did not start: $(tail -n 20 "$dir/pg/postgres.log")"
	echo "$bindir" >"$dir/pg.bindir"
	PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -qAt \
		-c "CREATE DATABASE $PG_DATABASE" >/dev/null || die "CREATE DATABASE $PG_DATABASE failed"
}

start_redis() {
	local dir=$1 port=$2
	mkdir -p "$dir/redis"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$dir/redis" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" >/dev/null ||
		die "redis-server did not start"
	wait_for_port "$port" "Redis"
	echo "$port" >"$dir/redis.port"
}

# Detached: survives this script and the test process; stops the services once PID is gone.
start_watcher() {
	local dir=$1 pid=$2
	setsid bash -c '
		while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 2; done
		[ -d "$2" ] && exec bash "$3" stop "$2"
	' tomoviee-services-watcher "$pid" "$dir" "$SELF" </dev/null >/dev/null 2>&1 &
}

cmd_start() {
	local dir="" pg_port="" redis_port="" watch_pid=""
	while [[ $# -gt 0 ]]; do
		case $1 in
		--dir) dir=$2 && shift 2 ;;
		--pg-port) pg_port=$2 && shift 2 ;;
		--redis-port) redis_port=$2 && shift 2 ;;
		--watch-pid) watch_pid=$2 && shift 2 ;;
		*) die "unknown option: $1" ;;
		esac
	done
	cmd_install
	local started=$SECONDS
	if [[ -z $dir ]]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/tomoviee-services.XXXXXX")
	else
		mkdir -p "$dir"
	fi
	chmod 755 "$dir" # the cluster's owner must reach $dir/pg
	pg_port=${pg_port:-$(free_port)}
	redis_port=${redis_port:-$(free_port)}
	[[ $pg_port != 5432 && $redis_port != 6379 ]] || die "ports of their own, please: not 5432/6379"
	# On failure part-way (die exits), leave nothing running.
	trap 'bash "$SELF" stop "$dir" >/dev/null 2>&1 || true' EXIT
	start_postgres "$dir" "$pg_port"
	start_redis "$dir" "$redis_port"
	trap - EXIT
	[[ -n $watch_pid ]] && start_watcher "$dir" "$watch_pid"
	progress "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port ($dir, $((SECONDS - started)) s)"
	printf 'export TOMOVIEE_SERVICES_DIR=%q\n' "$dir"
	printf 'export TOMOVIEE_PG_HOST=127.0.0.1 TOMOVIEE_PG_PORT=%q TOMOVIEE_PG_USER=%q TOMOVIEE_PG_PASSWORD=%q TOMOVIEE_PG_DATABASE=%q\n' \
		"$pg_port" "$PG_USER" "$PG_PASSWORD" "$PG_DATABASE"
	printf 'export TOMOVIEE_REDIS_HOST=127.0.0.1 TOMOVIEE_REDIS_PORT=%q\n' "$redis_port"
}

cmd_stop() {
	local dir=${1:-}
	[[ -n $dir ]] || die "usage: $0 stop DIR"
	[[ -d $dir ]] || return 0
	# Only folders this script made or filled: never delete something else by a wrong argument.
	[[ -f $dir/pg.pw || -d $dir/redis || -d $dir/pg ]] || die "$dir is not a services folder of this script"
	if [[ -f $dir/pg/data/postmaster.pid ]]; then
		local bindir
		bindir=$(cat "$dir/pg.bindir" 2>/dev/null || pg_bindir)
		as_pg_owner "$bindir/pg_ctl" -D "$dir/pg/data" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
			kill -KILL "$(head -n 1 "$dir/pg/data/postmaster.pid")" 2>/dev/null || true
	fi
	if [[ -f $dir/redis/redis.pid ]]; then
		local pid
		pid=$(cat "$dir/redis/redis.pid")
		if [[ -f $dir/redis.port ]]; then
			redis-cli -h 127.0.0.1 -p "$(cat "$dir/redis.port")" shutdown nosave >/dev/null 2>&1 || true
		fi
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}

case ${1:-} in
install) cmd_install ;;
start) shift && cmd_start "$@" ;;
stop) shift && cmd_stop "$@" ;;
*)
	echo "usage: $0 install | start [--dir DIR] [--pg-port N] [--redis-port N] [--watch-pid PID] | stop DIR" >&2
	exit 2
	;;
esac
