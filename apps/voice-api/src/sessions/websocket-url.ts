/** The media endpoint the WebSocket transport connects to (served by src/media). */
export const MEDIA_PATH = '/v1/media';

/**
 * ws(s):// base URL of this service as clients reach it: PUBLIC_URL when set (http becomes ws,
 * https becomes wss), otherwise the request's protocol (which honours X-Forwarded-Proto from
 * trusted proxies) and Host.
 */
export function websocketBase(publicUrl: string | undefined, request: { protocol: string; host: string }): string {
  if (publicUrl) {
    const url = new URL(publicUrl);
    const secure = url.protocol === 'https:';
    return `${secure ? 'wss' : 'ws'}://${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  return `${request.protocol === 'https' ? 'wss' : 'ws'}://${request.host}`;
}

export const websocketUrl = (base: string, ticket: string) => `${base}${MEDIA_PATH}?ticket=${encodeURIComponent(ticket)}`;
