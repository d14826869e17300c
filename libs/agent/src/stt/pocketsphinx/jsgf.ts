/** Every word a JSGF text can produce (rule references, operators and the header left out). */
export function grammarWords(jsgf: string): string[] {
  const words = new Set<string>();
  const bare = jsgf
    .replace(/\/\*[\s\S]*?\*\//g, ' ') // comments
    .replace(/\/\/.*$/gm, ' ')
    .replace(/\{[^}]*\}/g, ' ') // tags
    .replace(/\/[0-9.]+\//g, ' '); // weights
  for (const statement of bare.split(';')) {
    const eq = statement.indexOf('=');
    if (eq < 0) continue;
    const body = statement
      .slice(eq + 1)
      .replace(/<[^>]*>/g, ' ')
      .replace(/[()[\]|*+]/g, ' ');
    for (const word of body.split(/\s+/)) if (word) words.add(word);
  }
  return [...words].sort();
}
