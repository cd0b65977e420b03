// What a change of a package's committed API report (tools/api-report) means for its users: a
// declaration removed or changed is breaking, only declarations added is a feature. The reports are
// api-extractor's: a fenced block of declarations, each after its `// @public` line.

/** The declarations of a report, by their first line (the declared name), with their full text. */
export function declarations(report) {
  const block = /```ts\n([\s\S]*?)```/.exec(report.replace(/\r\n/g, '\n'))?.[1] ?? '';
  const out = new Map();
  for (const chunk of block.split(/\n(?=\/\/ @)/)) {
    const text = chunk.trim();
    if (!text.startsWith('// @')) continue;
    const head = text.split('\n').find((line) => !line.startsWith('//')) ?? text;
    out.set(head.replace(/[{(<:=].*$/, '').trim(), text);
  }
  return out;
}

/** `{ kind, changes: [{ kind, where, what }] }` for two texts of one entry point's report. */
export function classifyApiChange(before, after, where) {
  const was = declarations(before);
  const now = declarations(after);
  const changes = [];
  for (const [name, text] of was) {
    if (!now.has(name)) changes.push({ kind: 'breaking', where, what: `removed: ${name}` });
    else if (now.get(name) !== text) changes.push({ kind: 'breaking', where, what: `changed: ${name}` });
  }
  for (const name of now.keys()) if (!was.has(name)) changes.push({ kind: 'feature', where, what: `added: ${name}` });
  const kind = changes.some((c) => c.kind === 'breaking') ? 'breaking' : changes.length ? 'feature' : 'none';
  return { kind, changes };
}
