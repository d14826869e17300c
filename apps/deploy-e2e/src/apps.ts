/** The three deployable apps and the path App Service's health check probes on each. */
export const HEALTH_PATHS = { 'persistence-api': '/health', 'voice-api': '/health', web: '/api/health' } as const;
export type App = keyof typeof HEALTH_PATHS;
export const APPS = Object.keys(HEALTH_PATHS) as App[];
