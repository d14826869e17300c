import { expect, type Locator, type Page } from '@playwright/test';
import { alertMatching } from './alerts';

export type Role = 'user' | 'agent';

/** One transcript turn as the page shows it. */
export interface SeenTurn {
  role: string;
  final: boolean;
  /** The words, without the latency badge. */
  text: string;
  latency: string | null;
}

export const AGENT_STATES = ['Idle', 'Connecting', 'Listening', 'Thinking', 'Speaking'] as const;

export class ChatPage {
  readonly startCallButton: Locator;
  readonly endCallButton: Locator;
  readonly microphone: Locator;
  readonly muteButton: Locator;
  readonly agentState: Locator;
  readonly agentName: Locator;
  readonly levelMeter: Locator;
  readonly call: Locator;
  readonly transcript: Locator;
  readonly turns: Locator;
  readonly message: Locator;
  readonly sendButton: Locator;

  constructor(readonly page: Page) {
    this.startCallButton = page.getByRole('button', { name: 'Start call', exact: true });
    this.endCallButton = page.getByRole('button', { name: 'End call', exact: true });
    // A <select> inside its <label>: by role, since the label's text also holds the selected option.
    this.microphone = page.getByRole('combobox', { name: 'Microphone', exact: true });
    this.muteButton = page.getByRole('button', { name: /^(Mute|Unmute)$/ });
    this.agentState = page.getByTestId('agent-state');
    this.agentName = page.getByTestId('agent-name');
    this.levelMeter = page.getByTestId('level-meter');
    this.call = page.getByTestId('call');
    this.transcript = page.getByTestId('transcript');
    this.turns = this.transcript.getByTestId('turn');
    this.message = page.getByLabel('Message', { exact: true });
    this.sendButton = page.getByRole('button', { name: 'Send', exact: true });
  }

  async goto(): Promise<void> {
    await this.page.goto('/chat');
  }

  /** Starts a call and waits until it is on (End call shows). */
  async startCall(): Promise<void> {
    await this.startCallButton.click();
    await expect(this.endCallButton).toBeVisible();
  }

  /** Mutes the call and waits until the button offers to unmute. */
  async mute(): Promise<void> {
    await this.muteButton.click();
    await expect(this.muteButton).toHaveText('Unmute');
  }

  /** Final turns of `role` (the page marks interim ones `data-final="false"`). */
  finalTurns(role: Role): Locator {
    return this.transcript.locator(`[data-testid="turn"][data-role="${role}"][data-final="true"]`);
  }

  /**
   * Every turn in page order. `text` is what the turn shows apart from its latency badge, one
   * space between the texts of its parts (so a label and the words do not run together).
   */
  async seenTurns(): Promise<SeenTurn[]> {
    return this.turns.evaluateAll((nodes) =>
      nodes.map((node) => {
        const copy = node.cloneNode(true) as HTMLElement;
        const badge = copy.querySelector('[data-testid="turn-latency"]');
        const latency = badge?.textContent?.trim() ?? null;
        badge?.remove();
        const parts: string[] = [];
        const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) parts.push(t.textContent ?? '');
        return {
          role: node.getAttribute('data-role') ?? '',
          final: node.getAttribute('data-final') === 'true',
          text: parts.join(' ').replace(/\s+/g, ' ').trim(),
          latency,
        };
      }),
    );
  }

  /** How many agent audio samples the page's playback has output (`data-played-samples`). */
  async playedSamples(): Promise<number> {
    const value = await this.call.getAttribute('data-played-samples');
    if (value === null || !/^\d+$/.test(value)) throw new Error(`data-played-samples is ${JSON.stringify(value)}, not a count`);
    return Number(value);
  }

  /** The microphone level the meter shows (`data-level`, the RMS of the last frame sent, 0..1). */
  async level(): Promise<number> {
    const value = await this.levelMeter.getAttribute('data-level');
    if (value === null || Number.isNaN(Number(value))) throw new Error(`data-level is ${JSON.stringify(value)}, not a number`);
    return Number(value);
  }

  /**
   * Starts recording, in the page, every state a transcript turn passes through (interim turns
   * become final in place, within a fraction of a second, so polling could miss them). Read the
   * record with `recordedTurns()`.
   */
  async recordTurns(): Promise<void> {
    await this.page.evaluate(() => {
      const seen: { role: string; final: boolean; text: string }[] = [];
      (window as unknown as { __turns: typeof seen }).__turns = seen;
      const note = (el: Element) => {
        const words = el.querySelector('.words')?.textContent ?? '';
        seen.push({ role: el.getAttribute('data-role') ?? '', final: el.getAttribute('data-final') === 'true', text: words });
      };
      new MutationObserver((records) => {
        for (const r of records) {
          const target = r.target instanceof Element ? r.target : r.target.parentElement;
          const turn = target?.closest('[data-testid="turn"]');
          if (turn) note(turn);
          r.addedNodes.forEach((n) => n instanceof Element && n.matches('[data-testid="turn"]') && note(n));
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-final'] });
    });
  }

  async recordedTurns(): Promise<{ role: string; final: boolean; text: string }[]> {
    return this.page.evaluate(() => (window as unknown as { __turns?: { role: string; final: boolean; text: string }[] }).__turns ?? []);
  }

  /**
   * Starts tracking, in the page, the highest level the meter shows from now on (it changes every
   * 20 ms, faster than polling). `maxLevel()` reads it.
   */
  async trackMaxLevel(): Promise<void> {
    await this.levelMeter.evaluate((meter) => {
      const w = window as unknown as { __maxLevel: number; __levelObserver?: MutationObserver };
      w.__levelObserver?.disconnect();
      w.__maxLevel = Number(meter.getAttribute('data-level') ?? 0);
      w.__levelObserver = new MutationObserver(() => (w.__maxLevel = Math.max(w.__maxLevel, Number(meter.getAttribute('data-level') ?? 0))));
      w.__levelObserver.observe(meter, { attributes: true, attributeFilter: ['data-level'] });
    });
  }

  async maxLevel(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { __maxLevel?: number }).__maxLevel ?? 0);
  }

  async send(text: string): Promise<void> {
    await this.message.fill(text);
    await this.sendButton.click();
  }

  /** The chat page's errors (microphone denied, voice-api unreachable, too many calls). */
  error(text: RegExp): Locator {
    return alertMatching(this.page, text);
  }
}
