#!/usr/bin/env bash
# Creates (or brings up to date) one environment of the three apps in Azure: resource group,
# Linux App Service plan, the web apps persistence-api, voice-api and web (optionally with a
# "staging" slot each), PostgreSQL Flexible Server, Key Vault with the generated secrets,
# Application Insights, and every App Setting the apps need in production.
# Every step checks what exists first, so running it again changes nothing that is already right
# and never rotates a secret. --dry-run prints the commands instead (no az, no login needed).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: tools/azure/provision.sh [options] ENV

  ENV                dev | staging | prod
  --dry-run          print every command instead of running it (needs no az and no login;
                     secrets appear as placeholders)
  --staging-slot     also create a "staging" deployment slot for each app (Standard tier or above)
  --no-basic-auth    leave SCM basic-auth publishing off (deploying with OIDC instead of publish profiles)
  --prefix NAME      name prefix, 2-12 lowercase letters/digits (default: $PREFIX or voiceagent);
                     resources are named NAME-ENV-...
  --location REGION  Azure region (default: $LOCATION or eastus)
  -h, --help         this text

Environment: PREFIX, LOCATION, STAGING_SLOT=1, APP_SERVICE_SKU, POSTGRES_TIER, POSTGRES_SKU,
CLINIC_TIMEZONE (both APIs), PROVISIONER_OBJECT_ID (who may write Key Vault secrets; default: the
signed-in user).
EOF
}
die() {
  echo "provision.sh: $*" >&2
  echo >&2
  usage >&2
  exit 2
}

DRY_RUN=false
STAGING_SLOT=$([[ ${STAGING_SLOT:-} =~ ^(1|true|yes)$ ]] && echo true || echo false)
BASIC_AUTH=true
PREFIX=${PREFIX:-voiceagent}
LOCATION=${LOCATION:-eastus}
ENVIRONMENT=
while (($#)); do
  case $1 in
    --dry-run) DRY_RUN=true ;;
    --staging-slot) STAGING_SLOT=true ;;
    --no-basic-auth) BASIC_AUTH=false ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a value"; PREFIX=$2; shift ;;
    --location) [[ $# -ge 2 ]] || die "--location needs a value"; LOCATION=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [[ -z $ENVIRONMENT ]] || die "one ENV only"; ENVIRONMENT=$1 ;;
  esac
  shift
done

# Per environment: App Service plan SKU, PostgreSQL tier/SKU, backup retention (days), pool per instance.
case $ENVIRONMENT in
  dev) PLAN_SKU=B1 PG_TIER=Burstable PG_SKU=Standard_B1ms PG_BACKUP_DAYS=7 DB_POOL_MAX=10 ;;
  staging) PLAN_SKU=P0v3 PG_TIER=Burstable PG_SKU=Standard_B1ms PG_BACKUP_DAYS=7 DB_POOL_MAX=10 ;;
  prod) PLAN_SKU=P0v3 PG_TIER=GeneralPurpose PG_SKU=Standard_D2ds_v5 PG_BACKUP_DAYS=35 DB_POOL_MAX=20 ;;
  '') die "ENV is missing" ;;
  *) die "unknown ENV '$ENVIRONMENT'" ;;
esac
PLAN_SKU=${APP_SERVICE_SKU:-$PLAN_SKU}
PG_TIER=${POSTGRES_TIER:-$PG_TIER}
PG_SKU=${POSTGRES_SKU:-$PG_SKU}
[[ $PREFIX =~ ^[a-z][a-z0-9]{1,11}$ ]] || die "prefix '$PREFIX' must be 2-12 lowercase letters or digits, starting with a letter"
[[ $LOCATION =~ ^[a-z0-9]+$ ]] || die "location '$LOCATION' must be a region name such as eastus"
if $STAGING_SLOT && [[ $PLAN_SKU =~ ^(F|D|B)[0-9] ]]; then
  die "deployment slots need a Standard or Premium plan; $ENVIRONMENT uses $PLAN_SKU (set APP_SERVICE_SKU=S1 or P0v3)"
fi

NAME=$PREFIX-$ENVIRONMENT
RG=$NAME-rg
PLAN=$NAME-plan
KV=$NAME-kv
PG=$NAME-pg
PG_ADMIN=voiceadmin
DB=voice
LOGS=$NAME-logs
INSIGHTS=$NAME-insights
STARTUP='bash /home/site/wwwroot/startup.sh'
RUNTIME=NODE:20-lts
APPS=(persistence-api voice-api web)
declare -A HEALTH=([persistence-api]=/health [voice-api]=/health [web]=/api/health)
declare -A WEB_SOCKETS=([persistence-api]=false [voice-api]=true [web]=false)
# The APIs are stateless (persistence-api shares its failed-sign-in counts through REDIS_URL when set);
# web keeps sign-in sessions in memory unless REDIS_URL is set.
declare -A AFFINITY=([persistence-api]=false [voice-api]=false [web]=true)
SLOTS=('')
$STAGING_SLOT && SLOTS+=(staging)

# --- printing and running ------------------------------------------------------------------------
SECRET_VALUES=()
say() { # prints a line: the dry run's output, or a trace on stderr
  local line=$1 s
  for s in "${SECRET_VALUES[@]}"; do line=${line//"$s"/<secret>}; done
  if $DRY_RUN; then printf '%s\n' "$line"; else printf '+ %s\n' "$line" >&2; fi
}
show() { # prints a command, single-quoting the arguments that need it
  local a out=()
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@%+,~-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  say "${out[*]}"
}
note() { say "# $*"; }
run() { show "$@"; $DRY_RUN || "$@"; }
exists() { # true when the show command succeeds; the dry run assumes nothing exists yet
  show "$@"
  ! $DRY_RUN && "$@" >/dev/null 2>&1
}
capture() { # capture VAR PLACEHOLDER command...: VAR=$(command); the dry run uses PLACEHOLDER
  local __var=$1 __placeholder=$2 __out
  shift 2
  show "$@"
  if $DRY_RUN; then __out=$__placeholder; else __out=$("$@"); fi
  printf -v "$__var" '%s' "$__out"
}
retry() { # for steps that wait on a role assignment to take effect
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
    "$@" && return 0
    $DRY_RUN && return 0
    echo "  not yet (role assignments take a few minutes to apply); retrying in 15 s ($attempt/12)" >&2
    sleep 15
  done
  return 1
}

if $DRY_RUN; then
  WORK='<temp-dir>'
  note "Dry run: $ENVIRONMENT ($RG in $LOCATION). Commands are printed, not run; secrets are placeholders."
else
  command -v az >/dev/null || { echo "provision.sh: the Azure CLI (az) is required: https://aka.ms/azcli" >&2; exit 1; }
  command -v openssl >/dev/null || { echo "provision.sh: openssl is required to generate the secrets" >&2; exit 1; }
  az account show -o none 2>/dev/null || { echo "provision.sh: not logged in: run az login (and az account set -s SUBSCRIPTION)" >&2; exit 1; }
  WORK=$(mktemp -d)
  chmod 700 "$WORK"
  trap 'rm -rf "$WORK"' EXIT
fi

# --- subscription, resource group, plan ----------------------------------------------------------
note "Resource providers (an empty subscription has none registered) and the Application Insights CLI extension"
for ns in Microsoft.Web Microsoft.DBforPostgreSQL Microsoft.KeyVault Microsoft.Insights Microsoft.OperationalInsights; do
  run az provider register --namespace "$ns" --wait
done
run az extension add --name application-insights --upgrade --only-show-errors

note "Resource group and Linux App Service plan ($PLAN_SKU)"
run az group create --name "$RG" --location "$LOCATION" -o none
if exists az appservice plan show -g "$RG" -n "$PLAN"; then
  run az appservice plan update -g "$RG" -n "$PLAN" --sku "$PLAN_SKU" -o none
else
  run az appservice plan create -g "$RG" -n "$PLAN" --location "$LOCATION" --is-linux --sku "$PLAN_SKU" -o none
fi

# --- telemetry -----------------------------------------------------------------------------------
note "Application Insights (workspace-based); its connection string becomes an App Setting"
exists az monitor log-analytics workspace show -g "$RG" -n "$LOGS" ||
  run az monitor log-analytics workspace create -g "$RG" -n "$LOGS" --location "$LOCATION" -o none
capture LOGS_ID '<log-analytics-workspace-id>' az monitor log-analytics workspace show -g "$RG" -n "$LOGS" --query id -o tsv
exists az monitor app-insights component show -g "$RG" --app "$INSIGHTS" ||
  run az monitor app-insights component create -g "$RG" --app "$INSIGHTS" --location "$LOCATION" --kind web --application-type web --workspace "$LOGS_ID" -o none
capture INSIGHTS_CONNECTION '<application-insights-connection-string>' az monitor app-insights component show -g "$RG" --app "$INSIGHTS" --query connectionString -o tsv

# --- Key Vault -----------------------------------------------------------------------------------
note "Key Vault with RBAC; whoever provisions may write secrets (Key Vault Secrets Officer)"
exists az keyvault show -g "$RG" -n "$KV" ||
  run az keyvault create -g "$RG" -n "$KV" --location "$LOCATION" --enable-rbac-authorization true --retention-days 90 -o none
capture KV_ID '<key-vault-id>' az keyvault show -g "$RG" -n "$KV" --query id -o tsv
ensure_role() { # ensure_role PRINCIPAL_ID PRINCIPAL_TYPE ROLE SCOPE
  local found
  capture found '' az role assignment list --assignee "$1" --role "$3" --scope "$4" --query '[0].id' -o tsv
  [[ -n $found ]] || retry run az role assignment create --assignee-object-id "$1" --assignee-principal-type "$2" --role "$3" --scope "$4" -o none
}
if [[ -n ${PROVISIONER_OBJECT_ID:-} ]]; then
  ME=$PROVISIONER_OBJECT_ID ME_TYPE=${PROVISIONER_PRINCIPAL_TYPE:-ServicePrincipal}
else
  capture ME '<signed-in-user-object-id>' az ad signed-in-user show --query id -o tsv
  ME_TYPE=User
fi
ensure_role "$ME" "$ME_TYPE" 'Key Vault Secrets Officer' "$KV_ID"
kv_ref() { KV_REF="@Microsoft.KeyVault(SecretUri=https://$KV.vault.azure.net/secrets/$1/)"; }

# ensure_secret NAME PLACEHOLDER DISPLAY GENERATOR: stores GENERATOR's output unless NAME exists.
# The value goes through a private temporary file, never the command line or the output.
ensure_secret() {
  local name=$1 placeholder=$2 display=$3 generator=$4 value
  exists az keyvault secret show --vault-name "$KV" --name "$name" --query id -o none && return 0
  say "$display > $WORK/$name"
  if $DRY_RUN; then value=$placeholder; else value=$($generator); fi
  $DRY_RUN || { SECRET_VALUES+=("$value") && (umask 077 && printf '%s' "$value" >"$WORK/$name"); }
  retry run az keyvault secret set --vault-name "$KV" --name "$name" --file "$WORK/$name" --encoding utf-8 -o none
}
# ES256 signing key as PKCS#8 PEM, one line with \n escapes (JWT_PRIVATE_KEY accepts them).
jwt_private_key() { openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt | awk '{printf "%s\\n", $0}'; }
random_hex() { openssl rand -hex 32; }
# Upper, lower and a symbol guarantee PostgreSQL's complexity rule; all URL-safe.
postgres_password() { printf 'Pg-%s' "$(openssl rand -hex 24)"; }

note "Secrets: the JWT signing key, the voice-api and web service secrets, the PostgreSQL admin password"
ensure_secret jwt-private-key '<jwt-private-key>' \
  "openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt | awk '{printf \"%s\\\\n\", \$0}'" jwt_private_key
ensure_secret voice-api-client-secret '<voice-api-client-secret>' 'openssl rand -hex 32' random_hex
ensure_secret web-client-secret '<web-client-secret>' 'openssl rand -hex 32' random_hex
ensure_secret postgres-admin-password '<postgres-admin-password>' "printf 'Pg-%s' \"\$(openssl rand -hex 24)\"" postgres_password

# --- web apps ------------------------------------------------------------------------------------
declare -A HOST PRINCIPAL
for app in "${APPS[@]}"; do
  site=$NAME-$app
  note "$app: Node 20 LTS web app $site, health check ${HEALTH[$app]}, WebSockets ${WEB_SOCKETS[$app]}, client affinity ${AFFINITY[$app]}"
  exists az webapp show -g "$RG" -n "$site" ||
    run az webapp create -g "$RG" -p "$PLAN" -n "$site" --runtime "$RUNTIME" --startup-file "$STARTUP" -o none
  for slot in "${SLOTS[@]}"; do
    on_slot=()
    [[ -z $slot ]] || on_slot=(--slot "$slot")
    if [[ -n $slot ]]; then
      exists az webapp show -g "$RG" -n "$site" --slot "$slot" ||
        run az webapp deployment slot create -g "$RG" -n "$site" --slot "$slot" --configuration-source "$site" -o none
    fi
    run az webapp config set -g "$RG" -n "$site" "${on_slot[@]}" --linux-fx-version 'NODE|20-lts' --startup-file "$STARTUP" \
      --always-on true --min-tls-version 1.2 --ftps-state Disabled --http20-enabled true \
      --web-sockets-enabled "${WEB_SOCKETS[$app]}" --generic-configurations "{\"healthCheckPath\":\"${HEALTH[$app]}\"}" -o none
    run az webapp update -g "$RG" -n "$site" "${on_slot[@]}" --https-only true --client-affinity-enabled "${AFFINITY[$app]}" -o none
    if $BASIC_AUTH; then # publish profiles (the deploy workflows' secrets) need SCM basic auth
      run az resource update -g "$RG" --namespace Microsoft.Web --resource-type basicPublishingCredentialsPolicies \
        --parent "sites/$site${slot:+/slots/$slot}" --name scm --set properties.allow=true -o none
    fi
    capture "PRINCIPAL[$app:$slot]" "<$app${slot:+-$slot}-principal-id>" \
      az webapp identity assign -g "$RG" -n "$site" "${on_slot[@]}" --query principalId -o tsv
    capture "HOST[$app:$slot]" "$site${slot:+-$slot}.azurewebsites.net" \
      az webapp show -g "$RG" -n "$site" "${on_slot[@]}" --query defaultHostName -o tsv
    ensure_role "${PRINCIPAL[$app:$slot]}" ServicePrincipal 'Key Vault Secrets User' "$KV_ID"
  done
done
declare -A HOSTS ORIGINS # comma-separated, the app's and its slot's
for app in "${APPS[@]}"; do
  for slot in "${SLOTS[@]}"; do
    HOSTS[$app]+=${HOSTS[$app]:+,}${HOST[$app:$slot]}
    ORIGINS[$app]+=${ORIGINS[$app]:+,}https://${HOST[$app:$slot]}
  done
done
PERSISTENCE_URL=https://${HOST[persistence-api:]}
VOICE_URL=https://${HOST[voice-api:]}

# --- PostgreSQL ----------------------------------------------------------------------------------
note "PostgreSQL Flexible Server $PG ($PG_TIER $PG_SKU, TLS required, $PG_BACKUP_DAYS days of backups), database $DB"
capture PG_PASSWORD '<postgres-admin-password>' az keyvault secret show --vault-name "$KV" --name postgres-admin-password --query value -o tsv
$DRY_RUN || SECRET_VALUES+=("$PG_PASSWORD")
exists az postgres flexible-server show -g "$RG" -n "$PG" ||
  run az postgres flexible-server create -g "$RG" -n "$PG" --location "$LOCATION" --tier "$PG_TIER" --sku-name "$PG_SKU" \
    --storage-size 32 --version 16 --admin-user "$PG_ADMIN" --admin-password "$PG_PASSWORD" \
    --public-access None --backup-retention "$PG_BACKUP_DAYS" --yes -o none
run az postgres flexible-server parameter set -g "$RG" -s "$PG" --name require_secure_transport --value ON -o none
run az postgres flexible-server parameter set -g "$RG" -s "$PG" --name ssl_min_protocol_version --value TLSv1.2 -o none
exists az postgres flexible-server db show -g "$RG" -s "$PG" -d "$DB" ||
  run az postgres flexible-server db create -g "$RG" -s "$PG" -d "$DB" -o none
note "Firewall: persistence-api's outbound addresses (the only app that connects; the slot shares the plan's addresses)"
capture OUTBOUND '<outbound-ip>' az webapp show -g "$RG" -n "$NAME-persistence-api" --query outboundIpAddresses -o tsv
IFS=, read -r -a OUTBOUND_IPS <<<"$OUTBOUND"
for ip in "${OUTBOUND_IPS[@]}"; do
  run az postgres flexible-server firewall-rule create -g "$RG" --name "$PG" --rule-name "app-${ip//./-}" \
    --start-ip-address "$ip" --end-ip-address "$ip" -o none
done
database_url() { printf 'postgres://%s:%s@%s.postgres.database.azure.com:5432/%s?sslmode=verify-full' "$PG_ADMIN" "$PG_PASSWORD" "$PG" "$DB"; }
ensure_secret database-url '<database-url>' \
  "printf 'postgres://$PG_ADMIN:%s@$PG.postgres.database.azure.com:5432/$DB?sslmode=verify-full' \"\$PG_PASSWORD\"" database_url

# --- App Settings --------------------------------------------------------------------------------
for app in "${APPS[@]}"; do
  site=$NAME-$app
  # App Service's own settings, not the app's.
  platform=(SCM_DO_BUILD_DURING_DEPLOYMENT=false WEBSITES_CONTAINER_START_TIME_LIMIT=600
    "WEBSITE_SWAP_WARMUP_PING_PATH=${HEALTH[$app]}" WEBSITE_SWAP_WARMUP_PING_STATUSES=200
    "APPLICATIONINSIGHTS_CONNECTION_STRING=$INSIGHTS_CONNECTION" 'ApplicationInsightsAgent_EXTENSION_VERSION=~3')
  # The variables of the app's schema in libs/config (the tables in DEPLOYMENT.md).
  # App Service's front end is the one proxy in front of each app: it appends the client's address.
  settings=(NODE_ENV=production TRUST_PROXY_HOPS=1)
  case $app in
    persistence-api)
      kv_ref database-url && settings+=("DATABASE_URL=$KV_REF")
      kv_ref jwt-private-key && settings+=("JWT_PRIVATE_KEY=$KV_REF")
      kv_ref voice-api-client-secret && settings+=("VOICE_API_CLIENT_SECRET=$KV_REF")
      kv_ref web-client-secret && settings+=("WEB_CLIENT_SECRET=$KV_REF")
      settings+=("ALLOWED_HOSTS=${HOSTS[$app]}" "CORS_ALLOWED_ORIGINS=${ORIGINS[web]}" "DB_POOL_MAX=$DB_POOL_MAX") ;;
    voice-api)
      kv_ref voice-api-client-secret && settings+=("VOICE_API_CLIENT_SECRET=$KV_REF")
      settings+=("PERSISTENCE_API_URL=$PERSISTENCE_URL" "ALLOWED_HOSTS=${HOSTS[$app]}" "CORS_ORIGINS=${ORIGINS[web]}"
        DATA_DIR=/home/data/voice-api) ;;
    web)
      kv_ref web-client-secret && settings+=("WEB_CLIENT_SECRET=$KV_REF")
      settings+=("PERSISTENCE_API_URL=$PERSISTENCE_URL" "VOICE_API_URL=$VOICE_URL") ;;
  esac
  # Both APIs must agree on the clinic's time zone.
  [[ -z ${CLINIC_TIMEZONE:-} || $app == web ]] || settings+=("CLINIC_TIMEZONE=$CLINIC_TIMEZONE")
  note "$app: App Settings (secrets as Key Vault references, resolved with the app's managed identity)"
  for slot in "${SLOTS[@]}"; do
    on_slot=()
    [[ -z $slot ]] || on_slot=(--slot "$slot")
    run az webapp config appsettings set -g "$RG" -n "$site" "${on_slot[@]}" --settings "${platform[@]}" -o none
    run az webapp config appsettings set -g "$RG" -n "$site" "${on_slot[@]}" --settings "${settings[@]}" -o none
  done
done

note "Done. Apps (and slots): ${ORIGINS[persistence-api]} ${ORIGINS[voice-api]} ${ORIGINS[web]}"
note "Next: download each app's publish profile (az webapp deployment list-publishing-profiles --xml) into the"
note "GitHub environment secrets, then deploy; the first start may take minutes (migrations, Key Vault references)."
