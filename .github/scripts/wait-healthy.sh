#!/usr/bin/env bash
# Usage: wait-healthy.sh BASE_URL HEALTH_PATH
#
# Polls BASE_URL + HEALTH_PATH until it answers 2xx, and fails when it never does. A fresh App
# Service start (container pull, startup.sh, persistence-api's migrations) takes a minute or two, so
# the default allows ATTEMPTS=30 tries INTERVAL=10 seconds apart. Redirects are followed:
# webapps-deploy reports the app's URL as http://…, which an HTTPS-only app redirects to https://.
set -euo pipefail

base="${1:?usage: wait-healthy.sh BASE_URL HEALTH_PATH}"
path="${2:?usage: wait-healthy.sh BASE_URL HEALTH_PATH}"
attempts="${ATTEMPTS:-30}"
interval="${INTERVAL:-10}"

url="${base%/}$path"
body="$(mktemp)"
trap 'rm -f "$body"' EXIT

for attempt in $(seq 1 "$attempts"); do
  status="$(curl -sS -L --max-redirs 3 -o "$body" -w '%{http_code}' --max-time 15 "$url")" || status=000
  if [[ "$status" == 2?? ]]; then
    echo "$url answered $status on attempt $attempt: $(head -c 2000 "$body")"
    exit 0
  fi
  echo "attempt $attempt/$attempts: $url answered $status"
  if [ "$attempt" -lt "$attempts" ]; then sleep "$interval"; fi
done

echo "::error::$url did not answer 2xx after $attempts attempts; last answer ($status): $(head -c 2000 "$body")"
exit 1
