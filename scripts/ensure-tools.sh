#!/usr/bin/env bash
# Puts the real Prometheus 3, promtool, Alertmanager 0.3x, amtool and blackbox exporter that judge the
# rendered artifacts at .cache/bin, for the tests, `npm start` and the benchmarks.
#
# Production runs Prometheus 3 and Alertmanager 0.3x (the chart's images, render/charts.ts). Debian's
# stable release ships 2.x and 0.25, so the packages are taken from Debian's testing and unstable
# suites, at the exact versions and sha256 digests pinned below: `apt-get download` with a sources list
# of this script's own (the system's apt configuration and installed packages are never touched, and
# no root is needed), then `dpkg-deb -x` into the cache. The binaries are Go programs that need only
# the C library every Debian and Ubuntu release has. Nothing is installed system-wide: installing from
# those suites would upgrade the system's C library.
set -euo pipefail
cd "$(dirname "$0")/.."

# package, version, sha256 of the amd64 .deb (Debian's Packages index gives the same digest).
PINS=(
  "prometheus 3.5.3+ds1-6 593bcced02d8082688ea034dfc543848ad145c5f793aae5aad756c4dbdfa98da"
  "promtool 3.5.3+ds1-6 1fb8bad7b932e7a44bccb12517f0bd96d5d5d83f15d3a1c0e2aa705cbf93fe90"
  "prometheus-alertmanager 0.33.1-5 ec1be21dd7ffeec3d6f42dd1cc8e97b8a9e93888f1953b4fb4cb9234be70185f"
  "prometheus-blackbox-exporter 0.28.0-2 b6e755178c702abcdf4b03d5f7ff3e360f7d513841950730ba16663c5406e222"
)
# Both suites, so that a pin still resolves for a while after one of them has moved on.
SUITES="sid forky"
ARCH="amd64"

cache="$PWD/.cache"
bin="$cache/bin"
debs="$cache/debian"
mkdir -p "$bin" "$debs"

extracted() { echo "$debs/$1_$2"; }

missing=()
for pin in "${PINS[@]}"; do
  read -r name version _ <<<"$pin"
  [ -f "$(extracted "$name" "$version")/.complete" ] || missing+=("$pin")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(dpkg --print-architecture 2>/dev/null || echo unknown)" != "$ARCH" ]; then
    echo "prometheus tools: the pinned packages are for $ARCH; this machine is $(dpkg --print-architecture 2>/dev/null || uname -m)" >&2
    exit 1
  fi
  for cmd in apt-get dpkg-deb sha256sum; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "prometheus tools: $cmd is needed (Debian or Ubuntu)" >&2; exit 1; }
  done
  apt="$cache/apt"
  mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/archives/partial"
  cat >"$apt/sources/debian-next.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITES
Components: main
Architectures: $ARCH
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  opts=(
    -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/sources"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
    -o "Dir::State::status=/dev/null" -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1"
  )
  echo "prometheus tools: reading Debian's $SUITES package lists"
  apt-get "${opts[@]}" -qq update
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  for pin in "${missing[@]}"; do
    read -r name version sha256 <<<"$pin"
    echo "prometheus tools: fetching $name $version"
    (cd "$work" && apt-get "${opts[@]}" -qq download "$name=$version")
    deb="$work/${name}_${version//:/%3a}_$ARCH.deb"
    actual="$(sha256sum "$deb" | cut -d' ' -f1)"
    if [ "$actual" != "$sha256" ]; then
      echo "prometheus tools: $name $version has sha256 $actual, expected $sha256; refusing it" >&2
      exit 1
    fi
    target="$(extracted "$name" "$version")"
    rm -rf "$target"
    dpkg-deb -x "$deb" "$target"
    touch "$target/.complete"
  done
fi

# The binaries each package provides, where the project looks for them (tools/binaries.ts). Relative
# links, so that the folder can move. `npm start` runs this script while tests may be running those
# binaries: a link or wrapper already right is left alone, and a new one replaces the old by rename,
# so that no moment exists where the binary is missing.
replace() { mv -fT "$1" "$2"; }
link() {
  local want="../debian/$1_$2/usr/bin/$3"
  [ "$(readlink "$bin/$3" 2>/dev/null)" = "$want" ] && return
  ln -sfn "$want" "$bin/.$3.$$"
  replace "$bin/.$3.$$" "$bin/$3"
}

# Debian's Alertmanager reads its default notification templates (and its web UI) from
# /usr/share/prometheus/alertmanager instead of embedding them, and refuses to start without them.
# Rather than write into the system's /usr/share (where an older package's templates may lie, which
# lack what 0.3x's defaults name), the wrapper runs it in a mount namespace of its own, with the
# package's usr/share laid over the system's as a read-only overlay (the rest of /usr/share, time
# zones included, stays visible). unshare and sh exec, so the wrapper's PID is Alertmanager's and
# signals reach it. As root no user namespace is needed; otherwise the kernel must allow unprivileged
# ones (every current Debian and Ubuntu does).
alertmanager_wrapper() {
  local target="$bin/prometheus-alertmanager" next="$bin/.prometheus-alertmanager.$$"
  {
    echo '#!/bin/sh'
    echo "# Written by scripts/ensure-tools.sh: Debian's Alertmanager $2 with its own /usr/share/prometheus."
    echo "pkg=\"\$(cd \"\$(dirname \"\$0\")/../debian/$1_$2\" && pwd)\""
    echo 'userns=""'
    echo '[ "$(id -u)" -eq 0 ] || userns="--map-root-user"'
    # shellcheck disable=SC2016 # expanded by the wrapper, not here
    echo 'exec unshare --mount --propagation private $userns -- sh -c '\''mount -t overlay overlay -o "lowerdir=$1/usr/share:/usr/share" /usr/share && shift && exec "$@"'\'' sh "$pkg" "$pkg/usr/bin/prometheus-alertmanager" "$@"'
  } >"$next"
  chmod +x "$next"
  if cmp -s "$next" "$target"; then rm -f "$next"; else replace "$next" "$target"; fi
}

for pin in "${PINS[@]}"; do
  read -r name version _ <<<"$pin"
  case "$name" in
    prometheus) link "$name" "$version" prometheus ;;
    promtool) link "$name" "$version" promtool ;;
    prometheus-alertmanager) alertmanager_wrapper "$name" "$version"; link "$name" "$version" amtool ;;
    prometheus-blackbox-exporter) link "$name" "$version" prometheus-blackbox-exporter ;;
  esac
done
