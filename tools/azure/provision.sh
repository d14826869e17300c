#!/usr/bin/env bash
# Creates (or brings up to date) one environment of the three apps in Azure: resource group,
# two Linux App Service plans (persistence-api and web share one, voice-api has its own), the web
# apps (optionally with a "staging" slot each, isolated from production: its own database and
# secrets), PostgreSQL Flexible Server, Azure AI Speech (and optionally Azure OpenAI and Azure Cache
# for Redis; or, with --voice-container, a container registry for voice-api's image with the offline
# engines instead of Speech), Key Vault with the secrets, Application Insights with alert rules, and every App
# Setting the apps need in production.
# Every step checks what exists first, so running it again changes nothing that is already right
# and never rotates a secret. --dry-run prints the commands instead (no az, no login needed).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: tools/azure/provision.sh [options] ENV

  ENV                dev | staging | prod
  --dry-run          print every command instead of running it (needs no az and no login;
                     secrets appear as placeholders)
  --staging-slot     also create a "staging" deployment slot for each app (Standard tier or above),
                     with its own PostgreSQL server and secrets, held by slot-sticky settings
  --redis            create Azure Cache for Redis and set REDIS_URL on all three apps
  --azure-openai     create Azure OpenAI with a model deployment and use it as voice-api's LLM
                     (default: the built-in offline agent)
  --voice-container  run voice-api as a container image with the offline speech engines inside:
                     creates Azure Container Registry <prefix><env>acr, which voice-api pulls from
                     with its managed identity, and no Azure AI Speech (offline speech; the LLM is
                     still chosen by --azure-openai)
  --voice-instances N
                     voice-api instances (default 1); more than 1 needs --redis
  --voice-autoscale MAX
                     autoscale voice-api's plan between 1 and MAX instances on CPU (Standard tier
                     or above; needs --redis)
  --alert-email ADDRESS
                     where the alert rules send email (default: $ALERT_EMAIL; none: the rules exist
                     and fire in the portal only)
  --no-basic-auth    leave SCM basic-auth publishing off (deploying with OIDC instead of publish profiles)
  --prefix NAME      name prefix, 2-12 lowercase letters/digits (default: $PREFIX or voiceagent);
                     resources are named NAME-ENV-...
  --location REGION  Azure region (default: $LOCATION or eastus)
  -h, --help         this text

Environment: PREFIX, LOCATION, STAGING_SLOT=1, REDIS=1, AZURE_OPENAI=1, VOICE_CONTAINER=1, ALERT_EMAIL,
APP_SERVICE_SKU, VOICE_APP_SERVICE_SKU (default: APP_SERVICE_SKU), POSTGRES_TIER, POSTGRES_SKU,
POSTGRES_MAX_CONNECTIONS (for a POSTGRES_SKU the script does not know), VOICE_LATENCY_BUDGET_MS
(default 1500), AZURE_OPENAI_MODEL and AZURE_OPENAI_MODEL_VERSION (default gpt-4o-mini 2024-07-18),
CLINIC_TIMEZONE (both APIs), PROVISIONER_OBJECT_ID (who may write Key Vault secrets; default: the
signed-in user), DEPLOYER_OBJECT_ID (with --voice-container: the object ID of the service principal
GitHub Actions deploys with, given AcrPush on the registry; default: the script prints the command).
EOF
}
die() {
  echo "provision.sh: $*" >&2
  echo >&2
  usage >&2
  exit 2
}

flag() { [[ ${1:-} =~ ^(1|true|yes)$ ]] && echo true || echo false; }
DRY_RUN=false
STAGING_SLOT=$(flag "${STAGING_SLOT:-}")
WITH_REDIS=$(flag "${REDIS:-}")
WITH_OPENAI=$(flag "${AZURE_OPENAI:-}")
VOICE_CONTAINER=$(flag "${VOICE_CONTAINER:-}")
VOICE_INSTANCES=1
VOICE_AUTOSCALE_MAX=
ALERT_EMAIL=${ALERT_EMAIL:-}
BASIC_AUTH=true
PREFIX=${PREFIX:-voiceagent}
LOCATION=${LOCATION:-eastus}
ENVIRONMENT=
while (($#)); do
  case $1 in
    --dry-run) DRY_RUN=true ;;
    --staging-slot) STAGING_SLOT=true ;;
    --redis) WITH_REDIS=true ;;
    --azure-openai) WITH_OPENAI=true ;;
    --voice-container) VOICE_CONTAINER=true ;;
    --voice-instances) [[ $# -ge 2 ]] || die "--voice-instances needs a value"; VOICE_INSTANCES=$2; shift ;;
    --voice-autoscale) [[ $# -ge 2 ]] || die "--voice-autoscale needs a value"; VOICE_AUTOSCALE_MAX=$2; shift ;;
    --alert-email) [[ $# -ge 2 ]] || die "--alert-email needs a value"; ALERT_EMAIL=$2; shift ;;
    --no-basic-auth) BASIC_AUTH=false ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a value"; PREFIX=$2; shift ;;
    --location) [[ $# -ge 2 ]] || die "--location needs a value"; LOCATION=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [[ -z $ENVIRONMENT ]] || die "one ENV only"; ENVIRONMENT=$1 ;;
  esac
  shift
done

# Per environment: App Service plan SKU (both plans), PostgreSQL tier/SKU, backup retention (days),
# pool per instance, Azure Cache for Redis SKU and size (with --redis). DEPLOYMENT.md's cost table
# lists the same (apps/deploy-e2e/src/provision.spec.ts compares them).
case $ENVIRONMENT in
  dev) PLAN_SKU=B1 PG_TIER=Burstable PG_SKU=Standard_B1ms PG_BACKUP_DAYS=7 DB_POOL_MAX=10 REDIS_SKU=Basic REDIS_SIZE=c0 ;;
  staging) PLAN_SKU=P0v3 PG_TIER=Burstable PG_SKU=Standard_B1ms PG_BACKUP_DAYS=7 DB_POOL_MAX=10 REDIS_SKU=Basic REDIS_SIZE=c0 ;;
  prod) PLAN_SKU=P0v3 PG_TIER=GeneralPurpose PG_SKU=Standard_D2ds_v5 PG_BACKUP_DAYS=35 DB_POOL_MAX=20 REDIS_SKU=Standard REDIS_SIZE=c1 ;;
  '') die "ENV is missing" ;;
  *) die "unknown ENV '$ENVIRONMENT'" ;;
esac
PLAN_SKU=${APP_SERVICE_SKU:-$PLAN_SKU}
VOICE_PLAN_SKU=${VOICE_APP_SERVICE_SKU:-$PLAN_SKU}
PG_TIER=${POSTGRES_TIER:-$PG_TIER}
PG_SKU=${POSTGRES_SKU:-$PG_SKU}
# The staging slot's own server: the smallest, whatever production uses.
SLOT_PG_TIER=Burstable SLOT_PG_SKU=Standard_B1ms
OPENAI_MODEL=${AZURE_OPENAI_MODEL:-gpt-4o-mini}
OPENAI_MODEL_VERSION=${AZURE_OPENAI_MODEL_VERSION:-2024-07-18}
# A GA version of the Azure OpenAI data-plane API (chat completions with tools).
OPENAI_API_VERSION=2024-10-21
LATENCY_BUDGET_MS=${VOICE_LATENCY_BUDGET_MS:-1500}
# max_connections of PostgreSQL Flexible Server by compute size; the alert fires at 80 %.
case $PG_SKU in
  Standard_B1ms) PG_MAX_CONNECTIONS=50 ;;
  Standard_B2s) PG_MAX_CONNECTIONS=429 ;;
  Standard_D2s_v3 | Standard_D2ds_v4 | Standard_D2ds_v5) PG_MAX_CONNECTIONS=859 ;;
  *) PG_MAX_CONNECTIONS=${POSTGRES_MAX_CONNECTIONS:-} ;;
esac
[[ $PREFIX =~ ^[a-z][a-z0-9]{1,11}$ ]] || die "prefix '$PREFIX' must be 2-12 lowercase letters or digits, starting with a letter"
[[ $LOCATION =~ ^[a-z0-9]+$ ]] || die "location '$LOCATION' must be a region name such as eastus"
[[ $PG_MAX_CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "set POSTGRES_MAX_CONNECTIONS to the max_connections of $PG_SKU (for the connections alert)"
[[ $LATENCY_BUDGET_MS =~ ^[1-9][0-9]*$ ]] || die "VOICE_LATENCY_BUDGET_MS must be a number of milliseconds"
EMAIL_RE='^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
[[ -z $ALERT_EMAIL || $ALERT_EMAIL =~ $EMAIL_RE ]] || die "alert email '$ALERT_EMAIL' is not an email address"
below_standard() { [[ $1 =~ ^(F|D|B)[0-9] ]]; }
if $STAGING_SLOT && { below_standard "$PLAN_SKU" || below_standard "$VOICE_PLAN_SKU"; }; then
  die "deployment slots need a Standard or Premium plan; $ENVIRONMENT uses $PLAN_SKU (set APP_SERVICE_SKU=S1 or P0v3)"
fi
[[ $VOICE_INSTANCES =~ ^[1-9][0-9]?$ ]] || die "--voice-instances must be a number from 1 to 99"
[[ -z $VOICE_AUTOSCALE_MAX || $VOICE_AUTOSCALE_MAX =~ ^[1-9][0-9]?$ ]] || die "--voice-autoscale must be a number from 1 to 99"
# Without Redis each voice-api instance knows only its own sessions, tickets and caps.
if ! $WITH_REDIS && ((VOICE_INSTANCES > 1 || ${VOICE_AUTOSCALE_MAX:-1} > 1)); then
  die "voice-api on more than one instance needs --redis (its sessions, tickets and caps are shared through REDIS_URL)"
fi
if [[ -n $VOICE_AUTOSCALE_MAX ]]; then
  below_standard "$VOICE_PLAN_SKU" && die "autoscale needs a Standard or Premium plan; voice-api's plan is $VOICE_PLAN_SKU"
  ((VOICE_AUTOSCALE_MAX >= VOICE_INSTANCES)) || die "--voice-autoscale $VOICE_AUTOSCALE_MAX is below --voice-instances $VOICE_INSTANCES"
fi

NAME=$PREFIX-$ENVIRONMENT
RG=$NAME-rg
PLAN=$NAME-plan
VOICE_PLAN=$NAME-voice-plan
KV=$NAME-kv
PG=$NAME-pg
SLOT_PG=$NAME-pg-staging
SPEECH=$NAME-speech
# Registry names are alphanumeric only (5-50 characters) and global, like the apps' host names.
ACR=$PREFIX${ENVIRONMENT}acr
ACR_SERVER=$ACR.azurecr.io
# The image the app points at until the first deploy replaces it with voice-api:<commit>.
VOICE_IMAGE=$ACR_SERVER/voice-api:latest
OPENAI=$NAME-openai
REDIS=$NAME-redis
ALERTS=$NAME-alerts
PG_ADMIN=voiceadmin
DB=voice
LOGS=$NAME-logs
INSIGHTS=$NAME-insights
STARTUP='bash /home/site/wwwroot/startup.sh'
RUNTIME=NODE:20-lts
APPS=(persistence-api voice-api web)
declare -A APP_PLAN=([persistence-api]=$PLAN [voice-api]=$VOICE_PLAN [web]=$PLAN)
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
  for s in "${SECRET_VALUES[@]}"; do [[ -z $s ]] || line=${line//"$s"/<secret>}; done
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

# --- subscription, resource group, plans ---------------------------------------------------------
note "Resource providers (an empty subscription has none registered) and the Application Insights CLI extension"
NAMESPACES=(Microsoft.Web Microsoft.DBforPostgreSQL Microsoft.KeyVault Microsoft.Insights Microsoft.OperationalInsights
  Microsoft.AlertsManagement)
{ ! $VOICE_CONTAINER || $WITH_OPENAI; } && NAMESPACES+=(Microsoft.CognitiveServices)
$VOICE_CONTAINER && NAMESPACES+=(Microsoft.ContainerRegistry)
$WITH_REDIS && NAMESPACES+=(Microsoft.Cache)
for ns in "${NAMESPACES[@]}"; do
  run az provider register --namespace "$ns" --wait
done
run az extension add --name application-insights --upgrade --only-show-errors
run az extension add --name scheduled-query --upgrade --only-show-errors

note "Resource group and two Linux App Service plans: $PLAN ($PLAN_SKU: persistence-api, web) and $VOICE_PLAN ($VOICE_PLAN_SKU: voice-api)"
run az group create --name "$RG" --location "$LOCATION" -o none
ensure_plan() { # ensure_plan NAME SKU [WORKERS]: the SKU (and instance count) are brought up to date
  local workers=()
  [[ -z ${3:-} ]] || workers=(--number-of-workers "$3")
  if exists az appservice plan show -g "$RG" -n "$1"; then
    run az appservice plan update -g "$RG" -n "$1" --sku "$2" "${workers[@]}" -o none
  else
    run az appservice plan create -g "$RG" -n "$1" --location "$LOCATION" --is-linux --sku "$2" "${workers[@]}" -o none
  fi
}
ensure_plan "$PLAN" "$PLAN_SKU"
# Autoscale owns the instance count once it is on.
ensure_plan "$VOICE_PLAN" "$VOICE_PLAN_SKU" "$([[ -n $VOICE_AUTOSCALE_MAX ]] || echo "$VOICE_INSTANCES")"

# --- telemetry -----------------------------------------------------------------------------------
note "Application Insights (workspace-based); its connection string becomes an App Setting"
exists az monitor log-analytics workspace show -g "$RG" -n "$LOGS" ||
  run az monitor log-analytics workspace create -g "$RG" -n "$LOGS" --location "$LOCATION" -o none
capture LOGS_ID '<log-analytics-workspace-id>' az monitor log-analytics workspace show -g "$RG" -n "$LOGS" --query id -o tsv
exists az monitor app-insights component show -g "$RG" --app "$INSIGHTS" ||
  run az monitor app-insights component create -g "$RG" --app "$INSIGHTS" --location "$LOCATION" --kind web --application-type web --workspace "$LOGS_ID" -o none
capture INSIGHTS_ID '<application-insights-id>' az monitor app-insights component show -g "$RG" --app "$INSIGHTS" --query id -o tsv

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
# The staging slot's secrets carry the slot's name: staging-jwt-private-key, staging-database-url, ...
slot_secret() { SECRET="${2:+$2-}$1"; }

# ensure_secret NAME PLACEHOLDER DISPLAY GENERATOR...: stores GENERATOR's output unless NAME exists.
# The value goes through a private temporary file, never the command line or the output.
ensure_secret() {
  local name=$1 placeholder=$2 display=$3 value
  shift 3
  exists az keyvault secret show --vault-name "$KV" --name "$name" --query id -o none && return 0
  say "$display > $WORK/$name"
  if $DRY_RUN; then value=$placeholder; else value=$("$@"); fi
  store_secret "$name" "$value"
}
# sync_secret NAME PLACEHOLDER DISPLAY VALUE: for values Azure generates (service keys): stores VALUE
# unless the vault already holds it, so a rotated key reaches the vault on the next run.
sync_secret() {
  local name=$1 placeholder=$2 display=$3 value=$4 current=
  show az keyvault secret show --vault-name "$KV" --name "$name" --query value -o tsv
  if ! $DRY_RUN; then
    current=$(az keyvault secret show --vault-name "$KV" --name "$name" --query value -o tsv 2>/dev/null) || current=
    [[ $current != "$value" ]] || return 0
  fi
  say "$display > $WORK/$name"
  if $DRY_RUN; then store_secret "$name" "$placeholder"; else store_secret "$name" "$value"; fi
}
store_secret() { # store_secret NAME VALUE
  $DRY_RUN || { SECRET_VALUES+=("$2") && (umask 077 && printf '%s' "$2" >"$WORK/$1"); }
  retry run az keyvault secret set --vault-name "$KV" --name "$1" --file "$WORK/$1" --encoding utf-8 -o none
}
# ES256 signing key as PKCS#8 PEM, one line with \n escapes (JWT_PRIVATE_KEY accepts them).
jwt_private_key() { openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt | awk '{printf "%s\\n", $0}'; }
random_hex() { openssl rand -hex 32; }
# Upper, lower and a symbol guarantee PostgreSQL's complexity rule; all URL-safe.
postgres_password() { printf 'Pg-%s' "$(openssl rand -hex 24)"; }
urlencode() { # percent-encodes everything but unreserved characters (service keys hold + / =)
  local s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    if [[ $c =~ [A-Za-z0-9._~-] ]]; then out+=$c; else printf -v c '%%%02X' "'$c"; out+=$c; fi
  done
  printf '%s' "$out"
}

note "Application Insights' connection string (a secret: it lets anyone send telemetry to the resource)"
capture INSIGHTS_CONNECTION '<application-insights-connection-string>' az monitor app-insights component show -g "$RG" --app "$INSIGHTS" --query connectionString -o tsv
$DRY_RUN || SECRET_VALUES+=("$INSIGHTS_CONNECTION")
sync_secret application-insights-connection-string '<application-insights-connection-string>' \
  "az monitor app-insights component show -g $RG --app $INSIGHTS --query connectionString -o tsv" "$INSIGHTS_CONNECTION"

# Production's secrets, and with the slot the staging slot's own: a staging deploy never holds a
# production credential, and tokens one signs are not accepted by the other.
for slot in "${SLOTS[@]}"; do
  note "Secrets${slot:+ of the $slot slot}: the JWT signing key, the voice-api and web service secrets, the PostgreSQL admin password"
  slot_secret jwt-private-key "$slot" && ensure_secret "$SECRET" "<$SECRET>" \
    "openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt | awk '{printf \"%s\\\\n\", \$0}'" jwt_private_key
  slot_secret voice-api-client-secret "$slot" && ensure_secret "$SECRET" "<$SECRET>" 'openssl rand -hex 32' random_hex
  slot_secret web-client-secret "$slot" && ensure_secret "$SECRET" "<$SECRET>" 'openssl rand -hex 32' random_hex
  slot_secret postgres-admin-password "$slot" && ensure_secret "$SECRET" "<$SECRET>" "printf 'Pg-%s' \"\$(openssl rand -hex 24)\"" postgres_password
done

# --- container registry (--voice-container) ------------------------------------------------------
if $VOICE_CONTAINER; then
  note "Azure Container Registry $ACR (Basic, no admin user): voice-api's image; the app pulls with its identity (AcrPull)"
  exists az acr show -g "$RG" -n "$ACR" ||
    run az acr create -g "$RG" -n "$ACR" --location "$LOCATION" --sku Basic -o none
  capture ACR_ID '<container-registry-id>' az acr show -g "$RG" -n "$ACR" --query id -o tsv
fi
# voice-api as a container: the image brings its own start command, and pulls with the app's identity.
is_container() { $VOICE_CONTAINER && [[ $1 == voice-api ]]; }

# --- web apps ------------------------------------------------------------------------------------
declare -A HOST PRINCIPAL
for app in "${APPS[@]}"; do
  site=$NAME-$app
  if is_container "$app"; then
    note "$app: container web app $site on ${APP_PLAN[$app]} ($VOICE_IMAGE until the first deploy), health check ${HEALTH[$app]}, WebSockets ${WEB_SOCKETS[$app]}, client affinity ${AFFINITY[$app]}"
    exists az webapp show -g "$RG" -n "$site" ||
      run az webapp create -g "$RG" -p "${APP_PLAN[$app]}" -n "$site" --container-image-name "$VOICE_IMAGE" -o none
    runtime=(--startup-file '')
    generic="{\"healthCheckPath\":\"${HEALTH[$app]}\",\"acrUseManagedIdentityCreds\":true}"
  else
    note "$app: Node 20 LTS web app $site on ${APP_PLAN[$app]}, health check ${HEALTH[$app]}, WebSockets ${WEB_SOCKETS[$app]}, client affinity ${AFFINITY[$app]}"
    exists az webapp show -g "$RG" -n "$site" ||
      run az webapp create -g "$RG" -p "${APP_PLAN[$app]}" -n "$site" --runtime "$RUNTIME" --startup-file "$STARTUP" -o none
    runtime=(--linux-fx-version 'NODE|20-lts' --startup-file "$STARTUP")
    generic="{\"healthCheckPath\":\"${HEALTH[$app]}\"}"
  fi
  for slot in "${SLOTS[@]}"; do
    on_slot=()
    [[ -z $slot ]] || on_slot=(--slot "$slot")
    if [[ -n $slot ]]; then
      exists az webapp show -g "$RG" -n "$site" --slot "$slot" ||
        run az webapp deployment slot create -g "$RG" -n "$site" --slot "$slot" --configuration-source "$site" -o none
    fi
    run az webapp config set -g "$RG" -n "$site" "${on_slot[@]}" "${runtime[@]}" \
      --always-on true --min-tls-version 1.2 --ftps-state Disabled --http20-enabled true \
      --web-sockets-enabled "${WEB_SOCKETS[$app]}" --generic-configurations "$generic" -o none
    if is_container "$app"; then
      # Points a zip-route app (or slot) at the registry; one already running an image from it keeps
      # the image its last deploy set.
      capture FX '' az webapp config show -g "$RG" -n "$site" "${on_slot[@]}" --query linuxFxVersion -o tsv
      [[ $FX == "DOCKER|$ACR_SERVER/"* ]] ||
        run az webapp config container set -g "$RG" -n "$site" "${on_slot[@]}" --container-image-name "$VOICE_IMAGE" \
          --container-registry-url "https://$ACR_SERVER" -o none
    fi
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
    ! is_container "$app" || ensure_role "${PRINCIPAL[$app:$slot]}" ServicePrincipal AcrPull "$ACR_ID"
  done
done

# --- PostgreSQL ----------------------------------------------------------------------------------
note "Firewall: persistence-api's outbound addresses (the only app that connects; the slot shares the plan's addresses)"
capture OUTBOUND '<outbound-ip>' az webapp show -g "$RG" -n "$NAME-persistence-api" --query outboundIpAddresses -o tsv
IFS=, read -r -a OUTBOUND_IPS <<<"$OUTBOUND"
database_url() { printf 'postgres://%s:%s@%s.postgres.database.azure.com:5432/%s?sslmode=verify-full' "$PG_ADMIN" "$1" "$2" "$DB"; }
# ensure_postgres SERVER TIER SKU BACKUP_DAYS SLOT: the server, TLS, the database, the firewall and the
# DATABASE_URL secret. The staging slot gets a server of its own rather than a second database on
# production's: its admin login then reaches no production data, and its load and connections
# count against its own limits.
ensure_postgres() {
  local server=$1 tier=$2 sku=$3 backup_days=$4 slot=$5 password ip
  note "PostgreSQL Flexible Server $server ($tier $sku, TLS required, $backup_days days of backups), database $DB${slot:+, for the $slot slot}"
  slot_secret postgres-admin-password "$slot"
  capture password "<$SECRET>" az keyvault secret show --vault-name "$KV" --name "$SECRET" --query value -o tsv
  $DRY_RUN || SECRET_VALUES+=("$password")
  exists az postgres flexible-server show -g "$RG" -n "$server" ||
    run az postgres flexible-server create -g "$RG" -n "$server" --location "$LOCATION" --tier "$tier" --sku-name "$sku" \
      --storage-size 32 --version 16 --admin-user "$PG_ADMIN" --admin-password "$password" \
      --public-access None --backup-retention "$backup_days" --yes -o none
  run az postgres flexible-server parameter set -g "$RG" -s "$server" --name require_secure_transport --value ON -o none
  run az postgres flexible-server parameter set -g "$RG" -s "$server" --name ssl_min_protocol_version --value TLSv1.2 -o none
  exists az postgres flexible-server db show -g "$RG" -s "$server" -d "$DB" ||
    run az postgres flexible-server db create -g "$RG" -s "$server" -d "$DB" -o none
  for ip in "${OUTBOUND_IPS[@]}"; do
    run az postgres flexible-server firewall-rule create -g "$RG" --name "$server" --rule-name "app-${ip//./-}" \
      --start-ip-address "$ip" --end-ip-address "$ip" -o none
  done
  slot_secret database-url "$slot"
  ensure_secret "$SECRET" "<$SECRET>" \
    "printf 'postgres://$PG_ADMIN:%s@$server.postgres.database.azure.com:5432/$DB?sslmode=verify-full' \"\$PG_PASSWORD\"" \
    database_url "$password" "$server"
}
ensure_postgres "$PG" "$PG_TIER" "$PG_SKU" "$PG_BACKUP_DAYS" ''
$STAGING_SLOT && ensure_postgres "$SLOT_PG" "$SLOT_PG_TIER" "$SLOT_PG_SKU" 7 staging

# --- Azure AI Speech, Azure OpenAI ---------------------------------------------------------------
# Cloud speech that runs on App Service's Node image (the offline engines need Debian packages it
# does not have), so voice-api's first /health is 200.
ensure_cognitive_account() { # ensure_cognitive_account NAME KIND [--custom-domain NAME]
  local name=$1 kind=$2
  shift 2
  exists az cognitiveservices account show -g "$RG" -n "$name" ||
    run az cognitiveservices account create -g "$RG" -n "$name" --location "$LOCATION" --kind "$kind" --sku S0 "$@" --yes -o none
}
# The container has the offline engines: no speech leaves the subscription.
if ! $VOICE_CONTAINER; then
  note "Azure AI Speech $SPEECH (S0): speech to text and text to speech for voice-api"
  ensure_cognitive_account "$SPEECH" SpeechServices
  capture SPEECH_KEY '<azure-speech-key>' az cognitiveservices account keys list -g "$RG" -n "$SPEECH" --query key1 -o tsv
  $DRY_RUN || SECRET_VALUES+=("$SPEECH_KEY")
  sync_secret azure-speech-key '<azure-speech-key>' "az cognitiveservices account keys list -g $RG -n $SPEECH --query key1 -o tsv" "$SPEECH_KEY"
fi

if $WITH_OPENAI; then
  note "Azure OpenAI $OPENAI (S0) with the deployment $OPENAI_MODEL ($OPENAI_MODEL_VERSION, GlobalStandard): voice-api's LLM"
  ensure_cognitive_account "$OPENAI" OpenAI --custom-domain "$OPENAI"
  exists az cognitiveservices account deployment show -g "$RG" -n "$OPENAI" --deployment-name "$OPENAI_MODEL" ||
    run az cognitiveservices account deployment create -g "$RG" -n "$OPENAI" --deployment-name "$OPENAI_MODEL" \
      --model-name "$OPENAI_MODEL" --model-version "$OPENAI_MODEL_VERSION" --model-format OpenAI \
      --sku-name GlobalStandard --sku-capacity 10 -o none
  capture OPENAI_KEY '<azure-openai-key>' az cognitiveservices account keys list -g "$RG" -n "$OPENAI" --query key1 -o tsv
  $DRY_RUN || SECRET_VALUES+=("$OPENAI_KEY")
  sync_secret azure-openai-key '<azure-openai-key>' "az cognitiveservices account keys list -g $RG -n $OPENAI --query key1 -o tsv" "$OPENAI_KEY"
fi

# --- Azure Cache for Redis -----------------------------------------------------------------------
if $WITH_REDIS; then
  note "Azure Cache for Redis $REDIS ($REDIS_SKU $REDIS_SIZE, TLS only on 6380): database 0 for production, 1 for the staging slot"
  exists az redis show -g "$RG" -n "$REDIS" ||
    run az redis create -g "$RG" -n "$REDIS" --location "$LOCATION" --sku "$REDIS_SKU" --vm-size "$REDIS_SIZE" \
      --minimum-tls-version 1.2 -o none
  capture REDIS_KEY '<redis-key>' az redis list-keys -g "$RG" -n "$REDIS" --query primaryKey -o tsv
  $DRY_RUN || SECRET_VALUES+=("$REDIS_KEY" "$(urlencode "$REDIS_KEY")")
  for slot in "${SLOTS[@]}"; do
    db=$([[ -z $slot ]] && echo 0 || echo 1)
    slot_secret redis-url "$slot"
    sync_secret "$SECRET" "<$SECRET>" "printf 'rediss://:%s@$REDIS.redis.cache.windows.net:6380/$db' \"\$(urlencode \"\$REDIS_KEY\")\"" \
      "rediss://:$(urlencode "$REDIS_KEY")@$REDIS.redis.cache.windows.net:6380/$db"
  done
fi

# --- App Settings --------------------------------------------------------------------------------
# Each slot talks to its own slot of the other apps: staging's voice-api to staging's persistence-api.
url_of() { printf 'https://%s' "${HOST[$1:$2]}"; }
secret_setting() { # secret_setting VARIABLE SECRET: adds the slot's Key Vault reference to `own`
  slot_secret "$2" "$slot" && kv_ref "$SECRET" && own+=("$1=$KV_REF")
}
for app in "${APPS[@]}"; do
  site=$NAME-$app
  # App Service's own settings, not the app's.
  platform=(SCM_DO_BUILD_DURING_DEPLOYMENT=false WEBSITES_CONTAINER_START_TIME_LIMIT=600
    "WEBSITE_SWAP_WARMUP_PING_PATH=${HEALTH[$app]}" WEBSITE_SWAP_WARMUP_PING_STATUSES=200
    ApplicationInsightsAgent_EXTENSION_VERSION=disabled) # the apps' own SDK traces; the agent would trace twice
  # The image listens on 8080; /home (the outbox's DATA_DIR) is mounted into the container only when asked.
  ! is_container "$app" || platform+=(WEBSITES_PORT=8080 WEBSITES_ENABLE_APP_SERVICE_STORAGE=true)
  # The variables of the app's schema in libs/config (the tables in DEPLOYMENT.md) that are the same
  # in every slot. App Service's front end is the one proxy in front of each app.
  kv_ref application-insights-connection-string
  settings=(NODE_ENV=production TRUST_PROXY_HOPS=1 "APPLICATIONINSIGHTS_CONNECTION_STRING=$KV_REF")
  case $app in
    persistence-api) settings+=("DB_POOL_MAX=$DB_POOL_MAX") ;;
    voice-api)
      settings+=(DATA_DIR=/home/data/voice-api)
      if ! $VOICE_CONTAINER; then # the container's speech is offline, the default
        settings+=(STT_PROVIDER=azure TTS_PROVIDER=azure "AZURE_SPEECH_REGION=$LOCATION")
        kv_ref azure-speech-key && settings+=("AZURE_SPEECH_KEY=$KV_REF")
      fi
      if $WITH_OPENAI; then
        kv_ref azure-openai-key && settings+=(LLM_PROVIDER=openai "LLM_API_KEY=$KV_REF"
          "LLM_BASE_URL=https://$OPENAI.openai.azure.com/openai/deployments/$OPENAI_MODEL"
          "LLM_MODEL=$OPENAI_MODEL" "LLM_AZURE_API_VERSION=$OPENAI_API_VERSION")
      else
        settings+=(LLM_PROVIDER=offline)
      fi ;;
  esac
  # Both APIs must agree on the clinic's time zone.
  [[ -z ${CLINIC_TIMEZONE:-} || $app == web ]] || settings+=("CLINIC_TIMEZONE=$CLINIC_TIMEZONE")
  note "$app: App Settings (secrets as Key Vault references, resolved with the app's managed identity)"
  for slot in "${SLOTS[@]}"; do
    on_slot=()
    [[ -z $slot ]] || on_slot=(--slot "$slot")
    # What belongs to the slot rather than to the code: its host, its peers, its database and secrets.
    own=("ALLOWED_HOSTS=${HOST[$app:$slot]}")
    case $app in
      persistence-api)
        secret_setting DATABASE_URL database-url
        secret_setting JWT_PRIVATE_KEY jwt-private-key
        secret_setting VOICE_API_CLIENT_SECRET voice-api-client-secret
        secret_setting WEB_CLIENT_SECRET web-client-secret
        own+=("CORS_ALLOWED_ORIGINS=$(url_of web "$slot")") ;;
      voice-api)
        secret_setting VOICE_API_CLIENT_SECRET voice-api-client-secret
        own+=("PERSISTENCE_API_URL=$(url_of persistence-api "$slot")" "CORS_ORIGINS=$(url_of web "$slot")") ;;
      web) # web has no ALLOWED_HOSTS
        own=("PERSISTENCE_API_URL=$(url_of persistence-api "$slot")" "VOICE_API_URL=$(url_of voice-api "$slot")")
        secret_setting WEB_CLIENT_SECRET web-client-secret ;;
    esac
    $WITH_REDIS && secret_setting REDIS_URL redis-url
    run az webapp config appsettings set -g "$RG" -n "$site" "${on_slot[@]}" --settings "${platform[@]}" -o none
    run az webapp config appsettings set -g "$RG" -n "$site" "${on_slot[@]}" --settings "${settings[@]}" -o none
    # With slots these are slot settings ("sticky"): a swap moves the code, never them.
    run az webapp config appsettings set -g "$RG" -n "$site" "${on_slot[@]}" \
      "$($STAGING_SLOT && echo --slot-settings || echo --settings)" "${own[@]}" -o none
  done
done

# --- alerts --------------------------------------------------------------------------------------
note "Alerts: action group $ALERTS${ALERT_EMAIL:+ (email $ALERT_EMAIL)}; rules on production (the slots are not watched)"
if ! exists az monitor action-group show -g "$RG" -n "$ALERTS"; then
  run az monitor action-group create -g "$RG" -n "$ALERTS" --short-name "va-$ENVIRONMENT" \
    ${ALERT_EMAIL:+--action email oncall "$ALERT_EMAIL"} -o none
elif [[ -n $ALERT_EMAIL ]]; then
  capture RECEIVER '' az monitor action-group show -g "$RG" -n "$ALERTS" \
    --query "emailReceivers[?emailAddress=='$ALERT_EMAIL'].name | [0]" -o tsv
  [[ -n $RECEIVER ]] || run az monitor action-group update -g "$RG" -n "$ALERTS" --add-action email "oncall-$(date +%s)" "$ALERT_EMAIL" -o none
fi
capture ALERTS_ID '<action-group-id>' az monitor action-group show -g "$RG" -n "$ALERTS" --query id -o tsv
metric_alert() { # metric_alert NAME SCOPE CONDITION WINDOW SEVERITY DESCRIPTION (create is an upsert)
  run az monitor metrics alert create -g "$RG" -n "$1" --scopes "$2" --condition "$3" --window-size "$4" \
    --evaluation-frequency 1m --severity "$5" --action "$ALERTS_ID" --description "$6" -o none
}
for app in "${APPS[@]}"; do
  site=$NAME-$app
  capture SITE_ID "<$app-id>" az webapp show -g "$RG" -n "$site" --query id -o tsv
  metric_alert "$site-http-5xx" "$SITE_ID" 'total Http5xx > 10' 5m 2 "$app answered more than 10 requests with 5xx in 5 minutes"
  metric_alert "$site-health" "$SITE_ID" 'avg HealthCheckStatus < 100' 5m 1 "An instance of $app fails its health check (${HEALTH[$app]})"
done
threshold=$((PG_MAX_CONNECTIONS * 80 / 100))
capture PG_ID '<postgres-server-id>' az postgres flexible-server show -g "$RG" -n "$PG" --query id -o tsv
metric_alert "$PG-connections" "$PG_ID" "max active_connections > $threshold" 5m 2 \
  "PostgreSQL connections above 80 % of the $PG_MAX_CONNECTIONS that $PG_SKU allows"
# voice_turn_latency_ms is an OpenTelemetry histogram: Application Insights keeps its sum, count, min
# and max per export interval, not its buckets, so this is the 95th percentile of the per-interval
# mean latencies, weighted by their turns; quiet periods (under 20 turns) never fire.
run az monitor scheduled-query create -g "$RG" -n "$NAME-voice-turn-latency" --scopes "$INSIGHTS_ID" \
  --condition 'count "SlowTurns" > 0' \
  --condition-query "SlowTurns=customMetrics | where name == \"voice_turn_latency_ms\" and valueCount > 0 | summarize turns = sum(valueCount), p95 = percentilew(valueSum / valueCount, toint(valueCount), 95) | where turns >= 20 and p95 > $LATENCY_BUDGET_MS" \
  --window-size 15m --evaluation-frequency 5m --severity 2 --action-groups "$ALERTS_ID" \
  --description "voice-api voice-to-voice turn latency p95 is over $LATENCY_BUDGET_MS ms" -o none
WEB_TEST=$NAME-web-health
run az monitor app-insights web-test create -g "$RG" -n "$WEB_TEST" --location "$LOCATION" --web-test-kind standard \
  --defined-web-test-name "$WEB_TEST" --synthetic-monitor-id "$WEB_TEST" --request-url "$(url_of web '')${HEALTH[web]}" \
  --http-verb GET --expected-status-code 200 --ssl-check true --frequency 300 --timeout 30 --retry-enabled true --enabled true \
  --locations Id=us-va-ash-azr --locations Id=us-il-ch1-azr --locations Id=emea-nl-ams-azr \
  --tags "hidden-link:$INSIGHTS_ID=Resource" -o none
metric_alert "$NAME-web-availability" "$INSIGHTS_ID" \
  'avg availabilityResults/availabilityPercentage < 70' 5m 1 \
  "web ${HEALTH[web]} failed from at least one of three locations (after a retry)"

# --- voice-api autoscale -------------------------------------------------------------------------
if [[ -n $VOICE_AUTOSCALE_MAX ]]; then
  note "Autoscale $VOICE_PLAN: $VOICE_INSTANCES to $VOICE_AUTOSCALE_MAX instances on CPU"
  capture VOICE_PLAN_ID '<voice-plan-id>' az appservice plan show -g "$RG" -n "$VOICE_PLAN" --query id -o tsv
  if ! exists az monitor autoscale show -g "$RG" -n "$VOICE_PLAN-autoscale"; then
    run az monitor autoscale create -g "$RG" -n "$VOICE_PLAN-autoscale" --resource "$VOICE_PLAN_ID" \
      --min-count "$VOICE_INSTANCES" --max-count "$VOICE_AUTOSCALE_MAX" --count "$VOICE_INSTANCES" -o none
    run az monitor autoscale rule create -g "$RG" --autoscale-name "$VOICE_PLAN-autoscale" \
      --condition 'CpuPercentage > 70 avg 10m' --scale out 1 -o none
    run az monitor autoscale rule create -g "$RG" --autoscale-name "$VOICE_PLAN-autoscale" \
      --condition 'CpuPercentage < 30 avg 20m' --scale in 1 -o none
  else
    run az monitor autoscale update -g "$RG" -n "$VOICE_PLAN-autoscale" \
      --min-count "$VOICE_INSTANCES" --max-count "$VOICE_AUTOSCALE_MAX" -o none
  fi
fi

note "Done. Apps (and slots):$(for app in "${APPS[@]}"; do for slot in "${SLOTS[@]}"; do printf ' %s' "$(url_of "$app" "$slot")"; done; done)"
note "Next: download each app's publish profile (az webapp deployment list-publishing-profiles --xml) into the"
note "GitHub environment secrets, then deploy; the first start may take minutes (migrations, Key Vault references)."
if $VOICE_CONTAINER; then
  note "voice-api runs as a container: set the GitHub repository variables VOICE_API_DEPLOY_AS=container and"
  note "AZURE_CONTAINER_REGISTRY=$ACR; until the first deploy pushes an image, voice-api has none to start."
  if [[ -n ${DEPLOYER_OBJECT_ID:-} ]]; then
    note "The deploying identity pushes the image: AcrPush on $ACR"
    ensure_role "$DEPLOYER_OBJECT_ID" ServicePrincipal AcrPush "$ACR_ID"
  else
    note "The identity GitHub Actions logs in with pushes the image: give it AcrPush on the registry"
    note "(or run this script again with DEPLOYER_OBJECT_ID set):"
    note "  az role assignment create --assignee <its appId> --role AcrPush --scope $ACR_ID"
  fi
fi
