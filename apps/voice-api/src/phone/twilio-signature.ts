import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';

/**
 * The form fields of a Twilio webhook exactly as sent (application/x-www-form-urlencoded). Twilio
 * never repeats a field; a repeated one keeps its last value, and then the signature cannot match.
 */
export function formFields(body: unknown): Record<string, string> {
  return typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : {};
}

/**
 * The URL Twilio called, as it saw it: PUBLIC_URL (App Service sits behind a proxy that rewrites the
 * host and the scheme) followed by the request's path and query; without PUBLIC_URL, the request's
 * protocol (X-Forwarded-Proto from trusted proxies) and Host.
 */
export function calledUrl(publicUrl: string | undefined, req: FastifyRequest): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}${req.url}`;
  return `${req.protocol}://${req.host}${req.url}`;
}

/** Whether X-Twilio-Signature is the account's HMAC-SHA1 of the called URL and the form fields (Twilio's official check). */
export function signedByTwilio(authToken: string, req: FastifyRequest, url: string, fields: Record<string, string>): boolean {
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature.length === 0) return false;
  return twilio.validateRequest(authToken, signature, url, fields);
}
