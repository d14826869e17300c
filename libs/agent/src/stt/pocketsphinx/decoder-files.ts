import { createHash, randomBytes } from 'node:crypto';
import { access, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from './cache-dir';
import { buildGrammarDictionary } from './dictionary';
import { grammarWords } from './jsgf';

export interface ModelPaths {
  /** Acoustic model folder (holds `mdef`). */
  hmmDir: string;
  /** CMU pronunciation dictionary. */
  dictPath: string;
}

/** Debian's pocketsphinx-en-us layout: `<modelDir>/en-us/` and `<modelDir>/cmudict-en-us.dict`. */
function modelPaths(modelDir: string): ModelPaths {
  return { hmmDir: join(modelDir, 'en-us'), dictPath: join(modelDir, 'cmudict-en-us.dict') };
}

/** Throws a message naming what is missing, so /health can say which file to install. */
export async function assertModelUsable(modelDir: string): Promise<ModelPaths> {
  const paths = modelPaths(modelDir);
  for (const [what, path] of [
    ['acoustic model', join(paths.hmmDir, 'mdef')],
    ['dictionary', paths.dictPath],
  ] as const) {
    try {
      await access(path);
    } catch {
      throw new Error(`Pocketsphinx STT: ${what} not found at ${path}; install pocketsphinx-en-us or point modelDir at a model folder`);
    }
  }
  return paths;
}

export interface GrammarFiles {
  jsgfPath: string;
  dictPath: string;
  wordCount: number;
  /** Words missing from the model's dictionary, pronounced by a letter-to-phone guess. */
  guessed: string[];
}

/**
 * Writes the grammar and a dictionary trimmed to its words into `cacheDir`, named by a hash of the
 * grammar and the source dictionary, so an unchanged grammar is written once and shared by sessions.
 */
export async function writeGrammarFiles(grammar: string, model: ModelPaths, cacheDir: string): Promise<GrammarFiles> {
  const source = await stat(model.dictPath);
  const hash = createHash('sha256').update(grammar).update(`\0${model.dictPath}\0${source.size}\0${source.mtimeMs}\0${cacheDir}`).digest('hex').slice(0, 16);
  const earlier = written.get(hash);
  // A tmp cleaner may have removed the files since; write them again then.
  if (earlier && (await exists(await earlier.catch(() => undefined)))) return earlier;
  const pending = write(grammar, model, cacheDir, hash);
  written.set(hash, pending);
  pending.catch(() => written.delete(hash));
  return pending;
}

async function exists(files: GrammarFiles | undefined): Promise<boolean> {
  if (!files) return false;
  try {
    await Promise.all([access(files.jsgfPath), access(files.dictPath)]);
    return true;
  } catch {
    return false;
  }
}

/** Sessions of one process share the files: the dictionary is read once per grammar, not per call. */
const written = new Map<string, Promise<GrammarFiles>>();

async function write(grammar: string, model: ModelPaths, cacheDir: string, hash: string): Promise<GrammarFiles> {
  const words = grammarWords(grammar);
  const dictionary = await buildGrammarDictionary(words, model.dictPath);
  const jsgfPath = join(cacheDir, `grammar-${hash}.gram`);
  const dictPath = join(cacheDir, `grammar-${hash}.dict`);
  await ensurePrivateDir(cacheDir);
  await writeAtomically(jsgfPath, grammar);
  await writeAtomically(dictPath, dictionary.text);
  return { jsgfPath, dictPath, wordCount: words.length, guessed: dictionary.guessed };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
