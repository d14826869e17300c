#!/usr/bin/env bash
# App Service startup command for persistence-api: bash /home/site/wwwroot/startup.sh
# Runs inside the unpacked artifact (npx nx run persistence-api:package), never in the repository.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

# The artifact ships node_modules; install only if it was left out (needs the npm registry).
if [ ! -d node_modules ]; then
  echo "startup: node_modules is missing; installing the production dependencies (npm ci --omit=dev)"
  npm ci --omit=dev --no-audit --no-fund
fi

# A production build: without NODE_ENV it refuses to start on development defaults instead of using them.
export NODE_ENV="${NODE_ENV:-production}"
# App Service sends traffic to $PORT (8080 by default) on every interface.
export PORT="${PORT:-8080}"
export HOST=0.0.0.0

if [ "${SKIP_MIGRATIONS:-}" = "1" ]; then
  echo "startup: SKIP_MIGRATIONS=1, so the database migrations are skipped"
else
  echo "startup: running the database migrations"
  if ! node dist/database/cli.js migrate; then
    echo "startup: the migrations failed; persistence-api is not started (fix DATABASE_URL or the database, or set SKIP_MIGRATIONS=1 to start without them)" >&2
    exit 1
  fi
fi

echo "startup: starting persistence-api on ${HOST}:${PORT}"
exec node dist/main.js
