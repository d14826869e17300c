import type { Locator, Page } from '@playwright/test';

export class HistoryPage {
  readonly conversations: Locator;
  readonly channel: Locator;
  readonly agent: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly search: Locator;
  readonly applyButton: Locator;
  readonly olderLink: Locator;
  readonly newerLink: Locator;

  constructor(readonly page: Page) {
    this.conversations = page.getByTestId('conversation');
    // <select>s inside their <label>s: by role, since a label's text also holds the selected option.
    this.channel = page.getByRole('combobox', { name: 'Channel', exact: true });
    this.agent = page.getByRole('combobox', { name: 'Agent', exact: true });
    this.from = page.getByLabel('From', { exact: true });
    this.to = page.getByLabel('To', { exact: true });
    this.search = page.getByLabel('Search', { exact: true });
    this.applyButton = page.getByRole('button', { name: 'Apply', exact: true });
    this.olderLink = page.getByRole('link', { name: 'Older', exact: true });
    this.newerLink = page.getByRole('link', { name: 'Newer', exact: true });
  }

  async goto(): Promise<void> {
    await this.page.goto('/history');
  }

  /** The conversation id a list entry links to (`/history/<id>`). */
  async idOf(entry: Locator): Promise<string> {
    const href = await entry.evaluate((el) => (el.closest('a') ?? el.querySelector('a'))?.getAttribute('href') ?? null);
    const id = href?.match(/\/history\/([^/?#]+)$/)?.[1];
    if (!id) throw new Error(`conversation entry links to ${JSON.stringify(href)}, not /history/<id>`);
    return id;
  }
}
