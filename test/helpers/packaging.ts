// Small parsers for the packaging files, so tests can check them without a Docker engine or a YAML library.
// Each understands only the subset our files use and throws on anything else, rather than misreading it.

export interface Instruction {
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
}

export interface Stage {
  name: string;
  /** The FROM argument with global ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, a?: string, b?: string) => vars.get(a ?? b ?? '') ?? whole,
  );
}

export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = pending ? raw.trim() : raw.trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined) logical.push(joined);
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`unsupported FROM: ${args}`);
      const vars = new Map([...globalArgs, ...Object.entries(buildArgs)]);
      stages.push({
        name: match[2] ?? String(stages.length),
        from: substitute(match[1]!, vars),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (upper !== 'ARG') throw new Error(`only ARG may come before FROM, found ${keyword}`);
      const [name = '', value = ''] = args.split('=');
      globalArgs.set(name, value.replace(/^"(.*)"$/, '$1'));
    } else {
      stages.at(-1)!.instructions.push({ keyword: upper, args });
    }
  }
  return { globalArgs, stages };
}

export function stage(dockerfile: Dockerfile, name: string): Stage {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** The stages a stage is built on, itself first, down to the one FROM an image. */
export function lineage(dockerfile: Dockerfile, from: Stage): Stage[] {
  const chain = [from];
  for (let parent = dockerfile.stages.find((s) => s.name === from.from); parent;) {
    chain.push(parent);
    const next = parent.from;
    parent = dockerfile.stages.find((s) => s.name === next);
  }
  return chain;
}

/** `KEY=value KEY2="value 2"` (or the legacy `KEY value`) as pairs. */
export function parseAssignments(args: string): Array<[string, string]> {
  if (!/^\w+=/.test(args)) {
    const [key = '', ...rest] = args.split(/\s+/);
    return [[key, rest.join(' ')]];
  }
  return [...args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [
    m[1]!,
    m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!,
  ]);
}

/** Every ENV and ARG a stage sees, from its base stages up (later ones win), as the running image has them. */
export function envOf(
  dockerfile: Dockerfile,
  of: Stage,
  keyword: 'ENV' | 'ARG' = 'ENV',
): Map<string, string> {
  const env = new Map<string, string>();
  for (const s of lineage(dockerfile, of).reverse()) {
    for (const i of s.instructions) {
      if (i.keyword === keyword) for (const [k, v] of parseAssignments(i.args)) env.set(k, v);
    }
  }
  return env;
}

export function instructions(s: Stage, keyword: string): string[] {
  return s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

// ---- YAML (the subset docker-compose.yml uses) -----------------------------------------------------------

export type Yaml = string | Yaml[] | { [key: string]: Yaml } | null;

interface Line {
  indent: number;
  text: string;
  no: number;
}

/** Drops a trailing comment: a `#` after whitespace, outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text;
}

function scalar(raw: string, no: number): Yaml {
  const text = raw.trim();
  if (text === '' || text === '~' || text === 'null') return null;
  if (/^[&*!|>{]/.test(text)) throw new Error(`line ${no}: unsupported YAML: ${text}`);
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new Error(`line ${no}: unterminated string`);
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${no}: unsupported flow sequence`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => scalar(item, no));
  }
  return text;
}

function block(lines: Line[], start: number, indent: number): [Yaml, number] {
  const first = lines[start];
  if (!first || first.indent < indent) return [null, start];
  if (first.text.startsWith('- ') || first.text === '-') {
    const items: Yaml[] = [];
    let i = start;
    while (i < lines.length && lines[i]!.indent === first.indent && lines[i]!.text.startsWith('-')) {
      const rest = lines[i]!.text.slice(1).trimStart();
      const itemIndent = first.indent + (lines[i]!.text.length - rest.length);
      if (/^[\w.-]+:(\s|$)/.test(rest)) {
        // "- key: value" starts a mapping whose other keys sit under the key.
        const shifted = [
          ...lines.slice(0, i),
          { ...lines[i]!, indent: itemIndent, text: rest },
          ...lines.slice(i + 1),
        ];
        const [value, next] = block(shifted, i, itemIndent);
        items.push(value);
        i = next;
      } else {
        items.push(scalar(rest, lines[i]!.no));
        i += 1;
      }
    }
    return [items, i];
  }
  const map: { [key: string]: Yaml } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === first.indent) {
    const match = /^([\w.-]+|'[^']*'|"[^"]*"):(?:\s+(.*))?$/.exec(lines[i]!.text);
    if (!match) throw new Error(`line ${lines[i]!.no}: expected "key: value", found ${lines[i]!.text}`);
    const key = String(scalar(match[1]!, lines[i]!.no));
    if (key in map) throw new Error(`line ${lines[i]!.no}: duplicate key ${key}`);
    if (match[2] !== undefined && match[2] !== '') {
      map[key] = scalar(match[2], lines[i]!.no);
      i += 1;
    } else {
      const next = lines[i + 1];
      if (next && next.indent > first.indent) {
        [map[key], i] = block(lines, i + 1, next.indent);
      } else {
        map[key] = null;
        i += 1;
      }
    }
  }
  if (i < lines.length && lines[i]!.indent > first.indent) {
    throw new Error(`line ${lines[i]!.no}: unexpected indentation`);
  }
  return [map, i];
}

export function parseYaml(text: string): Yaml {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tabs are not YAML indentation`);
    const body = stripComment(raw);
    if (body.trim() === '') return;
    lines.push({ indent: body.length - body.trimStart().length, text: body.trim(), no: index + 1 });
  });
  const [value, next] = block(lines, 0, 0);
  if (next !== lines.length) throw new Error(`line ${lines[next]!.no}: not parsed`);
  return value;
}

// ---- Unraid template ----------------------------------------------------------------------------------

export interface TemplateConfig {
  attributes: Record<string, string>;
  /** The element's text: the value Unraid fills in (it falls back to Default when empty). */
  value: string;
}

const decode = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

export function parseTemplate(xml: string): { fields: Record<string, string>; configs: TemplateConfig[] } {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '');
  const root = /<Container version="2">([\s\S]*)<\/Container>\s*$/.exec(body);
  if (!root) throw new Error('not a version 2 <Container> template');
  const fields: Record<string, string> = {};
  for (const m of root[1]!.matchAll(/<(\w+)>([^<]*)<\/\1>|<(\w+)\/>/g)) {
    if (m[1]) fields[m[1]] = decode(m[2]!);
    else fields[m[3]!] = '';
  }
  const configs: TemplateConfig[] = [];
  const elements = [...root[1]!.matchAll(/<Config\s([^>]*?)(?:\/>|>([^<]*)<\/Config>)/g)];
  if (elements.length !== (root[1]!.match(/<Config\s/g) ?? []).length) {
    throw new Error('a <Config> element could not be read');
  }
  for (const m of elements) {
    const attributes: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/(\w+)=(?:"([^"]*)"|'([^']*)')/g))
      attributes[a[1]!] = decode(a[2] ?? a[3]!);
    configs.push({ attributes, value: decode(m[2] ?? '') });
  }
  return { fields, configs };
}
