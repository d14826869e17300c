/**
 * A reader for the JSGF subset the clinic grammar uses (alternatives, sequences, `[optional]`,
 * `(groups)`, `<rule>` references and weights, which it ignores; no tags or repeats), so tests can ask whether a sentence
 * is in the grammar and draw sentences from it. Pocketsphinx stays the judge of what it accepts.
 */
export type Expression =
  | { kind: 'word'; word: string }
  | { kind: 'ref'; rule: string }
  | { kind: 'seq'; items: Expression[] }
  | { kind: 'alt'; options: Expression[] }
  | { kind: 'opt'; inner: Expression };

export type Rules = Map<string, Expression>;

function parseBody(body: string): Expression {
  // Weights ("/0.01/") change how likely an alternative is, not what it accepts: left out here.
  const tokens = body.replace(/\/[0-9.]+\//g, ' ').match(/<[^>]+>|[()[\]|]|[^\s()[\]|<>]+/g) ?? [];
  let at = 0;
  const alternatives = (close?: string): Expression => {
    const options: Expression[] = [sequence(close)];
    while (tokens[at] === '|') {
      at++;
      options.push(sequence(close));
    }
    if (close) {
      if (tokens[at] !== close) throw new Error(`JSGF: expected ${close} in "${body}"`);
      at++;
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  };
  const sequence = (close?: string): Expression => {
    const items: Expression[] = [];
    while (at < tokens.length && tokens[at] !== '|' && tokens[at] !== close) {
      const t = tokens[at++];
      if (t === '(') items.push(alternatives(')'));
      else if (t === '[') items.push({ kind: 'opt', inner: alternatives(']') });
      else if (t === ')' || t === ']') throw new Error(`JSGF: unbalanced ${t} in "${body}"`);
      else if (t.startsWith('<')) items.push({ kind: 'ref', rule: t.slice(1, -1) });
      else items.push({ kind: 'word', word: t });
    }
    if (items.length === 0) throw new Error(`JSGF: empty alternative in "${body}"`);
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  };
  const expression = alternatives();
  if (at !== tokens.length) throw new Error(`JSGF: unexpected ${tokens[at]} in "${body}"`);
  return expression;
}

/** The rules of a JSGF text; throws on syntax it cannot read and on references to missing rules. */
export function readJsgf(jsgf: string): Rules {
  const rules: Rules = new Map();
  for (const m of jsgf.matchAll(/^(?:public )?<([^>]+)> = ([^;]*);$/gm)) rules.set(m[1], parseBody(m[2]));
  const check = (e: Expression): void => {
    if (e.kind === 'ref' && !rules.has(e.rule)) throw new Error(`JSGF: <${e.rule}> is not defined`);
    if (e.kind === 'seq') e.items.forEach(check);
    if (e.kind === 'alt') e.options.forEach(check);
    if (e.kind === 'opt') check(e.inner);
  };
  rules.forEach(check);
  return rules;
}

/** Positions in `words` where `e` can end when it starts at `from`. */
function ends(rules: Rules, e: Expression, words: string[], from: number): Set<number> {
  switch (e.kind) {
    case 'word':
      return new Set(words[from] === e.word ? [from + 1] : []);
    case 'ref':
      return ends(rules, rules.get(e.rule) as Expression, words, from);
    case 'opt':
      return new Set([from, ...ends(rules, e.inner, words, from)]);
    case 'alt':
      return new Set(e.options.flatMap((o) => [...ends(rules, o, words, from)]));
    case 'seq': {
      let positions = new Set([from]);
      for (const item of e.items) {
        positions = new Set([...positions].flatMap((p) => [...ends(rules, item, words, p)]));
        if (positions.size === 0) break;
      }
      return positions;
    }
  }
}

/** Whether `rule` produces exactly this sentence (lower case, words separated by spaces). */
export function accepts(rules: Rules, sentence: string, rule = 'utterance'): boolean {
  const words = sentence.split(/\s+/).filter(Boolean);
  return ends(rules, { kind: 'ref', rule }, words, 0).has(words.length);
}

/** A sentence drawn from `rule`, `random` giving numbers in [0, 1) (seed it for repeatable tests). */
export function sample(rules: Rules, random: () => number, rule = 'utterance'): string {
  const out: string[] = [];
  const walk = (e: Expression): void => {
    if (e.kind === 'word') out.push(e.word);
    else if (e.kind === 'ref') walk(rules.get(e.rule) as Expression);
    else if (e.kind === 'seq') e.items.forEach(walk);
    else if (e.kind === 'alt') walk(e.options[Math.floor(random() * e.options.length)]);
    else if (random() < 0.5) walk(e.inner);
  };
  walk({ kind: 'ref', rule });
  return out.join(' ');
}

/**
 * How many words `rule` holds once every reference is expanded in place, as pocketsphinx builds its
 * search graph: roughly the decoder's states, and so its search time.
 */
export function expandedSize(rules: Rules, rule = 'utterance'): number {
  const memo = new Map<string, number>();
  const size = (e: Expression): number => {
    switch (e.kind) {
      case 'word':
        return 1;
      case 'ref': {
        if (!memo.has(e.rule)) memo.set(e.rule, size(rules.get(e.rule) as Expression));
        return memo.get(e.rule) as number;
      }
      case 'opt':
        return size(e.inner);
      case 'seq':
        return e.items.reduce((n, i) => n + size(i), 0);
      case 'alt':
        return e.options.reduce((n, o) => n + size(o), 0);
    }
  };
  return size({ kind: 'ref', rule });
}
