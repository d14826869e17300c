import type { Locator, Page } from '@playwright/test';
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

  async send(text: string): Promise<void> {
    await this.message.fill(text);
    await this.sendButton.click();
  }

  /** The chat page's errors (microphone denied, voice-api unreachable, too many calls). */
  error(text: RegExp): Locator {
    return alertMatching(this.page, text);
  }
}
