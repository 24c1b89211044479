#!/usr/bin/env bash
# `make install PREFIX=…` (after `make build`): copies the already-built connector-host and the
# connector components into PREFIX, never building anything itself:
#   PREFIX/bin/connector-host
#   PREFIX/share/connector-host/components/{wrike_connector,github_issues_connector}.wasm
# connector-host finds the Wrike component in ../share/connector-host/components/ next to
# its own directory, so `PREFIX/bin/connector-host describe` works from any directory.
#
# Usage: scripts/install.sh [--components-only] PREFIX
#   --components-only  only the components (after `cargo install --path host --root PREFIX`)
# Environment: TARGET_DIR (default: $CARGO_TARGET_DIR, else target/ of this tree), HOST_PROFILE
# (default: debug, the profile `make build` builds the host in), DESTDIR (staged installs).
set -euo pipefail

components_only=0
if [ "${1:-}" = "--components-only" ]; then
  components_only=1
  shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 [--components-only] PREFIX" >&2
  exit 2
fi
prefix=$1
root=$(cd "$(dirname "$0")/.." && pwd)
target=${TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}}
profile=${HOST_PROFILE:-debug}
dest=${DESTDIR:-}$prefix

host="$target/$profile/connector-host"
components=(wrike_connector.wasm github_issues_connector.wasm)

missing=()
[ "$components_only" = 1 ] || [ -x "$host" ] || missing+=("$host")
for c in "${components[@]}"; do
  [ -f "$target/wasm32-wasip2/component/$c" ] || missing+=("$target/wasm32-wasip2/component/$c")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: not built: ${missing[*]} (run \`make build\` first)" >&2
  exit 1
fi

share="$dest/share/connector-host/components"
mkdir -p "$share"
for c in "${components[@]}"; do
  install -m 0644 "$target/wasm32-wasip2/component/$c" "$share/$c"
  echo "installed $share/$c"
done
if [ "$components_only" = 0 ]; then
  mkdir -p "$dest/bin"
  install -m 0755 "$host" "$dest/bin/connector-host"
  echo "installed $dest/bin/connector-host"
fi
