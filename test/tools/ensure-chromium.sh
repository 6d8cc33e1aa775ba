#!/usr/bin/env bash
# Chromium for the editor stage (test/editor) and `npm run screenshots`: Debian's `chromium`
# package, installed when missing. puppeteer-core drives it; no browser is downloaded.
#
#   bash test/tools/ensure-chromium.sh
#       prints the path of a Chromium binary on stdout; apt-get installs `chromium` first when
#       none is there (as root, or through password-less sudo: CI runners). A no-op, well under
#       a second, when it is installed.
#
# TOMOVIEE_CHROMIUM=/path/to/chrome uses that binary instead (a machine whose distribution ships
# Chromium only as a snap, e.g. Ubuntu, can point it at Google Chrome).
# Progress goes to stderr.
set -euo pipefail

progress() { echo "[ensure-chromium] $*" >&2; }
die() {
	progress "$*"
	exit 1
}

find_chromium() {
	local candidate
	for candidate in "${TOMOVIEE_CHROMIUM:-}" /usr/bin/chromium; do
		[[ -n $candidate && -x $candidate ]] && {
			echo "$candidate"
			return 0
		}
	done
	return 1
}

apt_install() {
	if [[ $(id -u) -ne 0 ]]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo -n -E bash "${BASH_SOURCE[0]}" >/dev/null
			return
		fi
		die "Chromium is missing and installing it needs root: apt-get install chromium"
	fi
	local apt=(apt-get -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold)
	export DEBIAN_FRONTEND=noninteractive
	if ! "${apt[@]}" install chromium >&2; then
		progress "apt-get install failed; running apt-get update once and trying again"
		apt-get -q -o DPkg::Lock::Timeout=300 update >&2 || true
		"${apt[@]}" install chromium >&2
	fi
}

if ! find_chromium >/dev/null; then
	[[ -n ${TOMOVIEE_CHROMIUM:-} ]] && die "TOMOVIEE_CHROMIUM=$TOMOVIEE_CHROMIUM is not an executable file"
	progress "installing chromium from Debian packages (first run only, about a minute)..."
	started=$SECONDS
	apt_install
	find_chromium >/dev/null || die "still no /usr/bin/chromium after apt-get install chromium"
	progress "installed in $((SECONDS - started)) s"
fi
find_chromium
