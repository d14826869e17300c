import { z } from 'zod';
import {
  allowInsecureConnections,
  bool,
  ConfigError,
  csv,
  loadConfig,
  LogLevel,
  NodeEnv,
  perMinute,
  port,
  redisUrl,
  setting,
  telemetrySettings,
  timeZone,
  TRUST_PROXY_HOPS_DESCRIPTION,
  trustProxyHops,
  type Env,
} from './core';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const wsOrHttpUrl = z.url({ protocol: /^(wss?|https?)$/, message: 'must be a ws(s):// or http(s):// URL' });
const ms = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const secret = (description: string) => setting(z.string().min(1).optional(), { description, secret: true });

const base = z.object({
  NODE_ENV: setting(NodeEnv, { description: 'development, test or production. Production requires the settings marked so.' }),
  PORT: setting(port(3002), { description: 'HTTP port. App Service sets it (8080).' }),
  HOST: setting(z.string().default('0.0.0.0'), { description: 'Interface to bind.' }),
  LOG_LEVEL: setting(LogLevel, { description: 'fatal, error, warn, info, debug, trace or silent.' }),
  DATA_DIR: setting(z.string().default('data/voice-api'), {
    description: 'Directory for the durable transcript outbox. On App Service use a path under /home.',
  }),
  PUBLIC_URL: setting(httpUrl.optional(), {
    description:
      "Public https:// URL of this service, used to build the WebSocket URLs handed to clients and to Twilio, and to check the signature of Twilio's webhooks (signed with the URL Twilio called). Unset: taken from the request (Host and X-Forwarded-Proto).",
    tls: 'http',
  }),
  PERSISTENCE_API_URL: setting(httpUrl.default('http://127.0.0.1:3001'), {
    description: 'Base URL of persistence-api (HTTPS in Azure).',
    requiredInProduction: true,
    tls: 'http',
  }),
  VOICE_API_CLIENT_ID: setting(z.string().default('voice-api'), { description: 'Client id of the service credential issued by persistence-api.' }),
  VOICE_API_CLIENT_SECRET: setting(z.string().min(24, 'must be at least 24 characters').optional(), {
    description: 'Secret of the service credential; the same value as in persistence-api.',
    secret: true,
    requiredInProduction: true,
    defaultNote: 'development: dev-voice-api-secret-change-me',
  }),
  JWT_ISSUER: setting(z.string().default('persistence-api'), { description: 'Expected iss claim of user tokens (persistence-api JWT_ISSUER).' }),
  JWT_AUDIENCE: setting(z.string().default('voice-platform'), { description: 'Expected aud claim of user tokens (persistence-api JWT_AUDIENCE).' }),
  CORS_ORIGINS: setting(csv().default([]), {
    description: 'Comma-separated origins allowed to call the API from a browser (credentials allowed).',
    defaultNote: 'development: http://localhost:3000,http://127.0.0.1:3000',
  }),
  ALLOWED_HOSTS: setting(csv().default([]), {
    description: 'Comma-separated Host header values accepted in production, e.g. myvoice.azurewebsites.net.',
    requiredInProduction: true,
  }),
  TRUST_PROXY_HOPS: setting(trustProxyHops, { description: TRUST_PROXY_HOPS_DESCRIPTION }),
  RATE_LIMIT_PER_MINUTE: setting(perMinute(100), {
    description: 'Requests per minute for each signed-in user, or each client address when anonymous; more get 429 with Retry-After. /health is never limited.',
  }),
  REDIS_URL: setting(redisUrl.optional(), {
    description:
      'Redis shared by every instance, for the request-rate counters and the voice sessions (their tickets, the per-user cap and their deadlines), so voice-api can run on several instances (Azure Cache for Redis: rediss://:<key>@<name>.redis.cache.windows.net:6380). Unset: all of it in this process, one instance. While it is unreachable, request rates are not limited and new sessions get 503; calls in progress go on.',
    secret: true,
    tls: 'redis',
  }),
  ALLOW_INSECURE_CONNECTIONS: allowInsecureConnections(),
  API_DOCS_PUBLIC: setting(bool(), {
    description: 'Serve the OpenAPI UI and document at /docs to anyone. Off in production unless set to true.',
    defaultNote: 'false in production, true otherwise',
  }),
  METRICS_TOKEN: setting(z.string().min(24, 'must be at least 24 characters').optional(), {
    description:
      'Bearer token a Prometheus scraper sends to read /metrics (Authorization: Bearer <token>). Set: /metrics needs it everywhere. Unset: /metrics is open outside production and refused (403) in production.',
    secret: true,
  }),
  MAX_SESSIONS_PER_USER: setting(z.coerce.number().int().min(1).max(100).default(3), { description: 'Concurrent voice sessions per user.' }),
  SESSION_MAX_MINUTES: setting(z.coerce.number().int().min(1).max(240).default(30), { description: 'Every session ends after this long.' }),
  TICKET_TTL_SECONDS: setting(z.coerce.number().int().min(5).max(600).default(60), { description: 'Lifetime of a single-use WebSocket ticket.' }),
  CLINIC_TIMEZONE: setting(timeZone.default('UTC'), { description: 'The clinic\'s IANA time zone, as in persistence-api: "Tuesday" means Tuesday there.' }),

  LIVEKIT_URL: setting(wsOrHttpUrl.optional(), {
    description: 'LiveKit server URL (wss://…livekit.cloud). With the key and secret: LiveKit transport.',
    tls: 'websocket',
  }),
  LIVEKIT_API_KEY: secret('LiveKit API key.'),
  LIVEKIT_API_SECRET: secret('LiveKit API secret.'),
  LIVEKIT_TOKEN_TTL: setting(z.coerce.number().int().min(60).max(86_400).default(3600), { description: 'Participant token lifetime in seconds.' }),
  LIVEKIT_AGENT_NAME: setting(z.string().default('clinic-agent'), { description: 'Agent name the worker registers and rooms dispatch to.' }),
  LIVEKIT_WORKER: setting(z.enum(['inline', 'off']).default('inline'), {
    description: 'inline: run the LiveKit agents worker inside voice-api; off: run it as its own process (worker.js).',
  }),

  TWILIO_ACCOUNT_SID: setting(
    z
      .string()
      .regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID: AC followed by 32 hex digits')
      .optional(),
    { description: 'Twilio account SID (AC…). With TWILIO_AUTH_TOKEN: phone calls through Twilio Media Streams; unset: phone mode is off.' },
  ),
  TWILIO_AUTH_TOKEN: secret("Twilio auth token: checks the X-Twilio-Signature of Twilio's webhooks and hangs calls up through Twilio's REST API."),
  TWILIO_API_URL: setting(httpUrl.default('https://api.twilio.com'), {
    description: "Base URL of Twilio's REST API (tests point it at a local stand-in).",
    tls: 'http',
  }),
  PHONE_MAX_CALLS_PER_NUMBER: setting(z.coerce.number().int().min(1).max(100).default(3), {
    description: 'Phone calls at once from one calling number; more are told so and hung up.',
  }),
  PHONE_STREAM_TOKEN_TTL_SECONDS: setting(z.coerce.number().int().min(5).max(300).default(30), {
    description: "Lifetime of the single-use token a phone call's TwiML hands to Twilio for its media stream.",
  }),

  VAD_PROVIDER: setting(z.enum(['energy', 'silero']).default('energy'), { description: 'Voice activity detector.' }),
  VAD_THRESHOLD: setting(z.coerce.number().min(0.05).max(0.95).default(0.5), { description: 'Speech probability above which a frame counts as speech.' }),
  END_OF_UTTERANCE_SILENCE_MS: setting(ms(1500, 100, 3000), {
    description: "Silence that ends the caller's turn whatever was said: the longest wait, for a caller pausing mid-request.",
  }),
  END_OF_TURN_MIN_SILENCE_MS: setting(ms(200, 60, 3000), {
    description:
      "Silence after which the caller's words so far are judged: a complete request ends the turn then. At or above END_OF_UTTERANCE_SILENCE_MS, silence alone decides.",
  }),
  STT_PROVIDER: setting(z.enum(['offline', 'deepgram', 'openai', 'azure']).default('offline'), {
    description: 'Speech to text: offline (pocketsphinx), deepgram, openai or azure (Azure AI Speech).',
  }),
  LLM_PROVIDER: setting(z.enum(['offline', 'openai']).default('offline'), {
    description: 'offline: the built-in rule-and-tool agent; openai: any OpenAI-compatible chat-completions endpoint.',
  }),
  TTS_PROVIDER: setting(z.enum(['offline', 'cartesia', 'openai', 'azure']).default('offline'), {
    description: 'Text to speech: offline (espeak-ng), cartesia, openai or azure (Azure AI Speech).',
  }),
  POCKETSPHINX_MODEL_DIR: setting(z.string().default('/usr/share/pocketsphinx/model/en-us'), { description: 'pocketsphinx acoustic model and dictionary.' }),
  ESPEAK_VOICE: setting(z.string().default('en-us'), { description: 'espeak-ng voice.' }),
  ESPEAK_RATE: setting(z.coerce.number().int().min(80).max(400).default(165), { description: 'espeak-ng words per minute.' }),
  DEEPGRAM_API_KEY: secret('Deepgram API key (STT_PROVIDER=deepgram).'),
  DEEPGRAM_URL: setting(wsOrHttpUrl.default('wss://api.deepgram.com'), { description: 'Deepgram streaming endpoint base.', tls: 'websocket' }),
  DEEPGRAM_MODEL: setting(z.string().default('nova-3'), { description: 'Deepgram model.' }),
  OPENAI_API_KEY: secret('OpenAI API key (STT or TTS provider openai; the LLM key when LLM_API_KEY is unset).'),
  OPENAI_BASE_URL: setting(httpUrl.default('https://api.openai.com/v1'), { description: 'OpenAI API base URL.', tls: 'http' }),
  OPENAI_STT_MODEL: setting(z.string().default('gpt-4o-mini-transcribe'), { description: 'OpenAI transcription model.' }),
  OPENAI_TTS_MODEL: setting(z.string().default('gpt-4o-mini-tts'), { description: 'OpenAI speech model.' }),
  OPENAI_TTS_VOICE: setting(z.string().default('alloy'), { description: 'OpenAI voice.' }),
  LLM_BASE_URL: setting(httpUrl.optional(), {
    description: 'Chat-completions base URL (OpenAI, Azure OpenAI deployment URL, Ollama http://host:11434/v1). Unset: OPENAI_BASE_URL.',
    tls: 'http',
  }),
  LLM_API_KEY: secret('Key for LLM_BASE_URL (sent as Bearer, or as api-key for Azure). Unset: OPENAI_API_KEY.'),
  LLM_MODEL: setting(z.string().default('gpt-4o-mini'), { description: 'Chat model name.' }),
  LLM_AZURE_API_VERSION: setting(z.string().optional(), { description: 'Set for Azure OpenAI: sends api-key and ?api-version=.' }),
  CARTESIA_API_KEY: secret('Cartesia API key (TTS_PROVIDER=cartesia).'),
  CARTESIA_URL: setting(httpUrl.default('https://api.cartesia.ai'), { description: 'Cartesia API base URL.', tls: 'http' }),
  CARTESIA_MODEL: setting(z.string().default('sonic-2'), { description: 'Cartesia model id.' }),
  CARTESIA_VOICE_ID: setting(z.string().default('bf0a246a-8642-498a-9950-80c35e9276b5'), { description: 'Cartesia voice id.' }),
  AZURE_SPEECH_KEY: secret('Azure AI Speech resource key (STT_PROVIDER=azure or TTS_PROVIDER=azure).'),
  AZURE_SPEECH_REGION: setting(
    z
      .string()
      .regex(/^[a-z0-9]+$/i, 'must be an Azure region name such as eastus')
      .optional(),
    {
      description: 'Region of the Azure AI Speech resource, e.g. eastus. Required with an azure provider unless AZURE_SPEECH_ENDPOINT is set.',
    },
  ),
  AZURE_SPEECH_ENDPOINT: setting(httpUrl.optional(), {
    description:
      "The Speech resource's own endpoint (https://<name>.cognitiveservices.azure.com: custom domain, private endpoint, sovereign cloud); wins over AZURE_SPEECH_REGION.",
    tls: 'http',
  }),
  AZURE_SPEECH_LANGUAGE: setting(z.string().default('en-US'), { description: 'Language Azure recognises and the SSML language it speaks (BCP-47).' }),
  AZURE_SPEECH_VOICE: setting(z.string().default('en-US-AvaMultilingualNeural'), { description: 'Azure neural voice name.' }),
  ...telemetrySettings,
});

export const voiceApiSettings = base;
type Parsed = z.output<typeof base>;

const LIVEKIT = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
const TWILIO = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const;
const PROVIDER_KEYS: [keyof Parsed, string, (c: Parsed) => boolean][] = [
  ['DEEPGRAM_API_KEY', 'STT_PROVIDER=deepgram', (c) => c.STT_PROVIDER === 'deepgram'],
  ['OPENAI_API_KEY', 'STT_PROVIDER=openai', (c) => c.STT_PROVIDER === 'openai'],
  ['OPENAI_API_KEY', 'TTS_PROVIDER=openai', (c) => c.TTS_PROVIDER === 'openai'],
  ['CARTESIA_API_KEY', 'TTS_PROVIDER=cartesia', (c) => c.TTS_PROVIDER === 'cartesia'],
  ['AZURE_SPEECH_KEY', 'STT_PROVIDER=azure', (c) => c.STT_PROVIDER === 'azure'],
  ['AZURE_SPEECH_KEY', 'TTS_PROVIDER=azure', (c) => c.TTS_PROVIDER === 'azure'],
];

/** The conditional requirements: all of LiveKit or none, and a key for every cloud provider chosen. */
function conditionalProblems(c: Parsed) {
  const problems: { variable: string; message: string }[] = [];
  const missing = LIVEKIT.filter((k) => !c[k]);
  if (missing.length > 0 && missing.length < LIVEKIT.length) {
    for (const k of missing) problems.push({ variable: k, message: `is required with ${LIVEKIT.filter((x) => c[x]).join(' and ')} (LiveKit needs all three)` });
  }
  for (const k of TWILIO.filter((x) => !c[x])) {
    if (TWILIO.some((x) => c[x])) problems.push({ variable: k, message: `is required with ${TWILIO.filter((x) => c[x]).join('')} (phone calls need both)` });
  }
  if (c.NODE_ENV === 'production' && c.TWILIO_ACCOUNT_SID && !c.PUBLIC_URL) {
    problems.push({
      variable: 'PUBLIC_URL',
      message: 'is required in production with TWILIO_ACCOUNT_SID: Twilio signs its webhooks with the public URL they were sent to',
    });
  }
  for (const [key, because, applies] of PROVIDER_KEYS) {
    if (applies(c) && !c[key] && !problems.some((p) => p.variable === key)) problems.push({ variable: key, message: `is required with ${because}` });
  }
  const azure = c.STT_PROVIDER === 'azure' ? 'STT_PROVIDER=azure' : c.TTS_PROVIDER === 'azure' ? 'TTS_PROVIDER=azure' : undefined;
  if (azure && !c.AZURE_SPEECH_REGION && !c.AZURE_SPEECH_ENDPOINT) {
    problems.push({ variable: 'AZURE_SPEECH_REGION', message: `is required with ${azure} (or AZURE_SPEECH_ENDPOINT)` });
  }
  if (c.LLM_PROVIDER === 'openai' && !c.LLM_API_KEY && !c.OPENAI_API_KEY && !c.LLM_BASE_URL) {
    problems.push({ variable: 'LLM_API_KEY', message: 'is required with LLM_PROVIDER=openai (or OPENAI_API_KEY, or an LLM_BASE_URL that needs no key)' });
  }
  return problems;
}

function finish(c: Parsed) {
  const production = c.NODE_ENV === 'production';
  return {
    ...c,
    VOICE_API_CLIENT_SECRET: c.VOICE_API_CLIENT_SECRET ?? 'dev-voice-api-secret-change-me',
    API_DOCS_PUBLIC: c.API_DOCS_PUBLIC ?? !production,
    CORS_ORIGINS: c.CORS_ORIGINS.length || production ? c.CORS_ORIGINS : ['http://localhost:3000', 'http://127.0.0.1:3000'],
    LLM_BASE_URL: c.LLM_BASE_URL ?? c.OPENAI_BASE_URL,
    LLM_API_KEY: c.LLM_API_KEY ?? c.OPENAI_API_KEY,
    twilio:
      c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN
        ? { accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, apiUrl: c.TWILIO_API_URL.replace(/\/+$/, '') }
        : undefined,
    livekit:
      c.LIVEKIT_URL && c.LIVEKIT_API_KEY && c.LIVEKIT_API_SECRET
        ? { url: c.LIVEKIT_URL, apiKey: c.LIVEKIT_API_KEY, apiSecret: c.LIVEKIT_API_SECRET }
        : undefined,
  };
}

export type VoiceApiConfig = ReturnType<typeof finish>;

export function loadVoiceApiConfig(env: Env = process.env): VoiceApiConfig {
  const parsed = loadConfig('voice-api', base, env, base);
  const problems = conditionalProblems(parsed);
  if (problems.length) throw new ConfigError('voice-api', problems);
  return finish(parsed);
}
