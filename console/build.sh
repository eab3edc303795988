#!/usr/bin/env bash
# Builds the console into DIR/dist: copies the sources beside their node_modules in DIR (so
# the source tree never holds npm's files), installs the pinned packages with npm (again only
# when package-lock.json changed) and runs vite. npm failing (no registry) leaves no console
# and a warning; vite failing (the console's own code) fails the build.
set -euo pipefail
src=$1 dir=$2 stamp=$3
mkdir -p "$dir"
rm -rf "$dir/src" "$dir/tests"
cp -r "$src/src" "$src/tests" "$dir/"
cp "$src/index.html" "$src/vite.config.js" "$src/package.json" "$src/package-lock.json" "$dir/"
cd "$dir"
if ! cmp -s package-lock.json node_modules/.ordo-lock 2>/dev/null; then
  if ! npm ci --no-audit --no-fund --silent >npm.log 2>&1; then
    echo "console: npm could not install the console's packages (see $dir/npm.log); /console/ will say it is not built" >&2
    rm -rf dist
    touch "$stamp"
    exit 0
  fi
  cp package-lock.json node_modules/.ordo-lock
fi
node_modules/.bin/vite build --logLevel warn --outDir dist --emptyOutDir
touch "$stamp"
