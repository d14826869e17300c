import { SPAN_KIND, type ReceivedSpan } from '@voice/testing/otlp-receiver';

const KIND_NAMES: Record<number, string> = { 1: 'INTERNAL', 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };

/** The path a span's HTTP request was for (either generation of OpenTelemetry's HTTP attribute names). */
export const requestPath = (span: ReceivedSpan): string => String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').split('?')[0];

export const requestMethod = (span: ReceivedSpan) => span.attributes['http.request.method'] ?? span.attributes['http.method'];

export const isQuery = (span: ReceivedSpan): boolean => (span.attributes['db.system'] ?? span.attributes['db.system.name']) === 'postgresql';

export const traceIds = (spans: ReceivedSpan[]): Set<string> => new Set(spans.map((s) => s.traceId));

/** The trace holding a span that matches, among the traces none of whose spans had arrived when `seen` was taken. */
export function newTraceWith(spans: ReceivedSpan[], seen: Set<string>, matches: (span: ReceivedSpan) => boolean): ReceivedSpan[] {
  const span = spans.find((s) => !seen.has(s.traceId) && matches(s));
  return span ? spans.filter((s) => s.traceId === span.traceId) : [];
}

/** Whether `span` is `ancestor` or lies under it. */
export function within(trace: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  for (let at: ReceivedSpan | undefined = span; at; at = trace.find((s) => s.spanId === at?.parentSpanId)) {
    if (at.spanId === ancestor.spanId) return true;
  }
  return false;
}

/** Where the trace passes from one app to another: "client → server" for each SERVER span whose parent is another app's CLIENT span (once each). */
export function hops(trace: ReceivedSpan[]): string[] {
  const out = trace.flatMap((server) => {
    const parent = trace.find((s) => s.spanId === server.parentSpanId);
    const crossing = server.kind === SPAN_KIND.SERVER && parent?.kind === SPAN_KIND.CLIENT && parent.service !== server.service;
    return crossing ? [`${parent.service} → ${server.service}`] : [];
  });
  return [...new Set(out)].sort();
}

/** The trace as an indented tree, one span a line (a span whose parent is missing starts a tree): what a failed assertion shows. */
export function render(trace: ReceivedSpan[]): string {
  const line = (span: ReceivedSpan, depth: number): string[] => [
    `${'  '.repeat(depth)}${span.service} ${KIND_NAMES[span.kind] ?? span.kind} ${span.name} ${requestPath(span)}`.trimEnd(),
    ...trace.filter((s) => s.parentSpanId === span.spanId).flatMap((child) => line(child, depth + 1)),
  ];
  const roots = trace.filter((s) => !trace.some((p) => p.spanId === s.parentSpanId));
  return roots.flatMap((root) => line(root, 0)).join('\n');
}
