export const CROSS_SITE_MESSAGE = 'Cross-site requests are not accepted: send this request from the app itself.';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the request comes from this site: its Origin names this host, or (no Origin) the
 * browser's Sec-Fetch-Site says same-origin. An opaque origin (`Origin: null`, sent from sandboxed
 * frames, data: URLs and some redirects) or one that is not a URL is cross-site.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get('origin');
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (origin === null) return headers.get('sec-fetch-site') === 'same-origin';
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && !!host && url.host === host;
}

/**
 * Whether a request would change state from another site: an unsafe method (a server action, a
 * form post, a route handler's POST or DELETE) whose Origin header is present and is not this
 * site. Requests without an Origin (not from a browser) are left to the handler's own checks.
 */
export function isCrossSiteMutation(method: string, headers: Headers): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  return headers.get('origin') !== null && !isSameOrigin(headers);
}
