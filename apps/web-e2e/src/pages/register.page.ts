import type { Locator, Page } from '@playwright/test';
import type { TestUserInput } from '../support/test';
import { alertMatching } from './alerts';

export class RegisterPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly displayName: Locator;
  readonly createButton: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.displayName = page.getByLabel('Display name', { exact: true });
    this.createButton = page.getByRole('button', { name: 'Create account', exact: true });
  }

  async goto(): Promise<void> {
    await this.page.goto('/register');
  }

  async register(user: TestUserInput): Promise<void> {
    await this.email.fill(user.email);
    await this.password.fill(user.password);
    await this.displayName.fill(user.displayName);
    await this.createButton.click();
  }

  error(text: RegExp): Locator {
    return alertMatching(this.page, text);
  }
}
