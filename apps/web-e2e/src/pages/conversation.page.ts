import type { Locator, Page } from '@playwright/test';

export interface SeenMessage {
  role: string;
  /** Everything the message shows: speaker, agent, time, marks, latency and the words. */
  text: string;
}

export class ConversationPage {
  readonly messages: Locator;
  readonly deleteConversationButton: Locator;
  readonly notFoundHeading: Locator;

  constructor(readonly page: Page) {
    this.messages = page.getByTestId('message');
    this.deleteConversationButton = page.getByRole('button', { name: 'Delete conversation', exact: true });
    this.notFoundHeading = page.getByRole('heading', { name: 'Conversation not found' });
  }

  async goto(id: string): Promise<void> {
    await this.page.goto(`/history/${id}`);
  }

  async seenMessages(): Promise<SeenMessage[]> {
    return this.messages.evaluateAll((nodes) =>
      nodes.map((node) => {
        const parts: string[] = [];
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) parts.push(t.textContent ?? '');
        return { role: node.getAttribute('data-role') ?? '', text: parts.join(' ').replace(/\s+/g, ' ').trim() };
      }),
    );
  }

  /** Deletes through the confirmation dialog. */
  async delete(): Promise<void> {
    await this.deleteConversationButton.click();
    await this.page.getByRole('button', { name: 'Delete', exact: true }).click();
  }
}
