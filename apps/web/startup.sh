#!/usr/bin/env bash
# App Service startup command for web: bash /home/site/wwwroot/startup.sh
# Runs inside the unpacked artifact (npx nx run web:package): Next's standalone server, never the repository.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

# The artifact ships the node_modules Next traced; install only if it was left out (needs the npm registry).
if [ ! -d node_modules ]; then
  echo "startup: node_modules is missing; installing the production dependencies (npm ci --omit=dev)"
  npm ci --omit=dev --no-audit --no-fund
fi

export NODE_ENV="${NODE_ENV:-production}"
export NEXT_TELEMETRY_DISABLED="${NEXT_TELEMETRY_DISABLED:-1}"
# App Service sends traffic to $PORT (8080 by default) on every interface. HOSTNAME is forced: the
# container sets it to its own host name, and server.js would bind only that.
export PORT="${PORT:-8080}"
export HOSTNAME=0.0.0.0

echo "startup: starting web on ${HOSTNAME}:${PORT}"
exec node apps/web/server.js
