import type { Locator, Page } from '@playwright/test';

/**
 * The alerts (`role="alert"`) on the page whose text matches. Filtering by text matters: Next.js
 * puts a route announcer with role="alert" on every page.
 */
export const alertMatching = (page: Page, text: RegExp): Locator => page.getByRole('alert').filter({ hasText: text });
