#!/bin/sh
# Builds better-sqlite3 (an optional dependency: only `rootcamp classroom serve` loads it) from its
# source with the node-gyp that npm ships and this Node's own headers. npm leaves its install script
# unrun (allowScripts), and that script would fetch a prebuilt binary or Node's headers from hosts
# this machine does not reach. A learner never needs this: the student side runs without it.
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules/better-sqlite3 ] || { echo "better-sqlite3 is not installed (npm ci without optional dependencies?)"; exit 1; }
if node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null; then
	exit 0
fi
node_dir=$(node -p 'require("node:path").dirname(require("node:path").dirname(process.execPath))')
gyp="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
cd node_modules/better-sqlite3
node "$gyp" rebuild --release --nodedir="$node_dir"
