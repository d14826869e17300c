import type { ProviderCheck, SpeechToText, SttUtterance, UtteranceOptions } from '../stt';
import { defaultCacheDir } from './cache-dir';
import { assertModelUsable, writeGrammarFiles, type GrammarFiles } from './decoder-files';
import { DecoderProcess } from './decoder-process';
import { DEFAULT_DECODER_SOURCE, ensureDecoderBinary } from './native-build';
import { PocketsphinxUtterance, type UtteranceHost } from './pocketsphinx-utterance';

export interface PocketsphinxSttOptions {
  /** Holds `en-us/` (acoustic model) and `cmudict-en-us.dict`. Default: Debian's pocketsphinx-en-us. */
  modelDir?: string;
  /** JSGF text to decode against (public rule `<utterance>`): what callers may say. Words missing from the dictionary get spellings from the letter-to-phone rules. */
  grammar: string;
  /** Where the compiled decoder and the grammar files are kept (private to this user). Default `<os tmpdir>/voice-agent-pocketsphinx-<uid>`. */
  cacheDir?: string;
  /** The decoder's C source. Default `libs/agent/native/pocketsphinx-warm.c`. */
  sourcePath?: string;
  /** C compiler for the decoder. Default `gcc`. */
  compiler?: string;
  /** Pocketsphinx's own (chatty) log; discarded when absent. */
  logFile?: string;
  /** Audio between interim hypotheses. Default 200 ms. */
  interimMs?: number;
  /**
   * Each utterance's first milliseconds, held back so the decoder normalises the utterance by its own
   * cepstral mean instead of a fixed guess (the model was trained that way; see pocketsphinx-warm.c).
   * No interim words before then. Default 1500; 0 turns it off.
   */
  cmnLookaheadMs?: number;
  /** Limit for the final words after `finish()`. Default 10 s. */
  finishTimeoutMs?: number;
  /** Limit for loading the model and grammar. Default 15 s. */
  startTimeoutMs?: number;
  /** More pocketsphinx arguments, e.g. `['-beam', '1e-60']`. */
  decoderArgs?: string[];
}

export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

interface Prepared {
  binaryPath: string;
  hmmDir: string;
  grammar: GrammarFiles;
}

/**
 * Offline speech to text: a pocketsphinx decoder kept warm in a child process (model and grammar load
 * once, about 60 ms; then `finish()` answers about 5 ms after the last frame), decoding against a JSGF
 * grammar of what callers may say (the domain library supplies it).
 *
 * One process per instance, so one per session: about 21 MB resident after start, 25 MB after some
 * decoding (the acoustic model is mmapped, so a little of that is shared between sessions). One
 * utterance is decoded at a time.
 * Utterances run in the order they were started; starting one while an earlier one still takes
 * audio drops the earlier (our VAD never overlaps them, so that one was abandoned). A decoder that
 * dies fails the utterance it was decoding and is restarted for the next one.
 */
export class PocketsphinxStt implements SpeechToText {
  readonly name = 'pocketsphinx';
  private readonly queue: PocketsphinxUtterance[] = [];
  private readonly host: UtteranceHost;
  private decoder?: Promise<DecoderProcess>;
  /** The decoder `decoder` resolved to, to tell synchronously whether it is still usable. */
  private running?: DecoderProcess;
  private prepared?: Promise<Prepared>;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PocketsphinxSttOptions) {
    this.host = {
      release: (utterance) => this.release(utterance),
      finishTimeoutMs: options.finishTimeoutMs ?? 10_000,
    };
  }

  startUtterance(options: UtteranceOptions = {}): SttUtterance {
    for (const earlier of [...this.queue]) if (earlier.open) earlier.abort();
    const utterance = new PocketsphinxUtterance(this.nextId++, options, this.host);
    if (utterance.done) return utterance;
    this.queue.push(utterance);
    if (this.queue.length === 1) void this.serve(utterance);
    return utterance;
  }

  async check(): Promise<ProviderCheck> {
    try {
      const decoder = await this.ensureDecoder();
      const { grammar } = await this.prepare();
      const guessed = grammar.guessed.length ? `; guessed pronunciations for ${grammar.guessed.join(', ')}` : '';
      return {
        status: 'up',
        detail: `pocketsphinx warm decoder running (pid ${decoder.pid}, grammar of ${grammar.wordCount} words${guessed})`,
      };
    } catch (err) {
      return { status: 'down', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The running decoder's process id, if one runs (for metrics and tests). */
  async decoderPid(): Promise<number | undefined> {
    const decoder = await this.decoder?.catch(() => undefined);
    return decoder?.alive ? decoder.pid : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const utterance of [...this.queue]) utterance.abort();
    const decoder = await this.decoder?.catch(() => undefined);
    this.decoder = undefined;
    this.running = undefined;
    await decoder?.stop();
  }

  private async serve(utterance: PocketsphinxUtterance): Promise<void> {
    let decoder: DecoderProcess;
    try {
      decoder = await this.ensureDecoder();
      // It may have died between launching and now; one relaunch, then the error stands.
      if (!decoder.alive) decoder = await this.ensureDecoder();
    } catch (err) {
      utterance.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (this.queue[0] === utterance) utterance.attach(decoder);
  }

  private release(utterance: PocketsphinxUtterance): void {
    const index = this.queue.indexOf(utterance);
    if (index < 0) return;
    this.queue.splice(index, 1);
    if (index === 0 && this.queue.length > 0) void this.serve(this.queue[0]);
  }

  private ensureDecoder(): Promise<DecoderProcess> {
    if (this.closed) return Promise.reject(new Error('Pocketsphinx STT: closed'));
    if (this.running && !this.running.alive) {
      this.running = undefined;
      this.decoder = undefined;
    }
    if (!this.decoder) {
      const launching = this.launch();
      this.decoder = launching;
      launching.catch(() => {
        if (this.decoder === launching) this.decoder = undefined;
      });
    }
    return this.decoder;
  }

  private async launch(): Promise<DecoderProcess> {
    const prepared = await this.prepare();
    const decoder = await DecoderProcess.start({
      binaryPath: prepared.binaryPath,
      decoderArgs: ['-hmm', prepared.hmmDir, '-dict', prepared.grammar.dictPath, '-jsgf', prepared.grammar.jsgfPath, ...(this.options.decoderArgs ?? [])],
      interimMs: this.options.interimMs ?? 200,
      cmnLookaheadMs: this.options.cmnLookaheadMs ?? 1500,
      logFile: this.options.logFile,
      startTimeoutMs: this.options.startTimeoutMs ?? 15_000,
    });
    if (this.closed) {
      await decoder.stop();
      throw new Error('Pocketsphinx STT: closed');
    }
    decoder.onRecognition = (event) => this.queue[0]?.onRecognition(event);
    decoder.onExit = (reason) => this.onDecoderExit(decoder, reason);
    this.running = decoder;
    return decoder;
  }

  private onDecoderExit(decoder: DecoderProcess, reason: string): void {
    if (this.running === decoder) {
      this.running = undefined;
      this.decoder = undefined;
    }
    const head = this.queue[0];
    if (!head?.isLiveOn(decoder)) return;
    const details = decoder.recentErrors.length ? ` (${decoder.recentErrors.join('; ')})` : '';
    head.fail(
      new Error(
        `Pocketsphinx STT: the decoder (pid ${decoder.pid}) stopped during an utterance: ${reason}${details}; ` + 'the next utterance starts a new one',
      ),
    );
  }

  private prepare(): Promise<Prepared> {
    if (!this.prepared) {
      const preparing = this.prepareOnce();
      this.prepared = preparing;
      preparing.catch(() => {
        if (this.prepared === preparing) this.prepared = undefined;
      });
    }
    return this.prepared;
  }

  private async prepareOnce(): Promise<Prepared> {
    const model = await assertModelUsable(this.options.modelDir ?? DEFAULT_MODEL_DIR);
    const cacheDir = this.options.cacheDir ?? defaultCacheDir();
    const binary = await ensureDecoderBinary({
      sourcePath: this.options.sourcePath ?? DEFAULT_DECODER_SOURCE,
      cacheDir,
      compiler: this.options.compiler,
    });
    const grammar = await writeGrammarFiles(this.options.grammar, model, cacheDir);
    return { binaryPath: binary.path, hmmDir: model.hmmDir, grammar };
  }
}
