import type { Locator, Page } from '@playwright/test';

/** The header every signed-in page has: Chat, History, Profile and "Sign out". */
export class SignedInHeader {
  readonly nav: Locator;
  readonly signOutButton: Locator;

  constructor(readonly page: Page) {
    // The navigation inside the page header (role banner), not other navs such as the history pager.
    this.nav = page.getByRole('banner').getByRole('navigation');
    this.signOutButton = page.getByRole('button', { name: 'Sign out', exact: true });
  }

  link(name: 'Chat' | 'History' | 'Profile'): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
  }
}
