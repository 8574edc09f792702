// Converts a Component Model .wast script into what `ironclad component spectest` runs: a
// JSON list of commands and one .wasm file per component, as wast2json does for core scripts.
// Components in text form are encoded by jco's wasm-tools (`parse`), `(component binary ...)`
// is decoded here; what cannot be converted (text-format tests, components the encoder
// refuses) becomes a "skipped" command saying why.
//
// Usage: node wast_to_json.mjs NODE_MODULES_DIR SCRIPT.wast OUT_DIR  (writes OUT_DIR/NAME.json)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, script, outDir] = process.argv.slice(2);
const { parse } = await import(pathToFileURL(join(modules, '@bytecodealliance/jco/dist/api.js')));
const text = await readFile(script, 'utf8');
const stem = basename(script, '.wast');

// Tokens: '(' ')' atoms and strings (kept with their raw text), with source offsets.
function tokenize(src) {
  const tokens = [];
  let i = 0;
  const lineAt = (pos) => src.slice(0, pos).split('\n').length;
  while (i < src.length) {
    const c = src[i];
    if (c === ';' && src[i + 1] === ';') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '(' && src[i + 1] === ';') {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        if (src[i] === '(' && src[i + 1] === ';') { depth++; i += 2; }
        else if (src[i] === ';' && src[i + 1] === ')') { depth--; i += 2; }
        else i++;
      }
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, start: i, end: i + 1 });
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const start = i++;
      while (i < src.length && src[i] !== '"') { if (src[i] === '\\') i++; i++; }
      i++;
      tokens.push({ kind: 'string', start, end: i, raw: src.slice(start, i) });
    } else {
      const start = i;
      while (i < src.length && !/[\s()";]/.test(src[i])) i++;
      tokens.push({ kind: 'atom', start, end: i, value: src.slice(start, i) });
    }
  }
  return { tokens, lineAt };
}

// Bytes of a wat string literal ("\61\62", "\u{1F600}", "\n"...).
function stringBytes(raw) {
  const s = raw.slice(1, -1);
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out.push(...Buffer.from(s[i], 'utf8'));
      continue;
    }
    const n = s[++i];
    if (/[0-9a-fA-F]/.test(n) && /[0-9a-fA-F]/.test(s[i + 1])) { out.push(parseInt(s.substr(i, 2), 16)); i++; }
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'r') out.push(13);
    else if (n === 'u') {
      const close = s.indexOf('}', i);
      out.push(...Buffer.from(String.fromCodePoint(parseInt(s.slice(i + 2, close), 16)), 'utf8'));
      i = close;
    } else out.push(...Buffer.from(n, 'utf8'));
  }
  return Buffer.from(out);
}

// S-expressions: arrays of items; atoms as strings, string literals as {str}.
function readForms(tokens) {
  let pos = 0;
  function read() {
    const t = tokens[pos++];
    if (t.kind === '(') {
      const items = [];
      while (tokens[pos] && tokens[pos].kind !== ')') items.push(read());
      const end = tokens[pos++];
      items.start = t.start;
      items.end = end ? end.end : t.start;
      return items;
    }
    if (t.kind === 'string') return { str: stringBytes(t.raw).toString('utf8'), bytes: stringBytes(t.raw) };
    return t.value;
  }
  const forms = [];
  while (pos < tokens.length) forms.push(read());
  return forms;
}

const { tokens, lineAt } = tokenize(text);
const forms = readForms(tokens);
const commands = [];
let counter = 0;
await mkdir(outDir, { recursive: true });

// JSON for a value or action argument: atoms as strings, string literals as {str}.
function plain(x) {
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'object') return { str: x.str };
  return x;
}

async function component(form) {
  // form: (component ...), (component definition $X ...), (component binary "..."), (component quote ...)
  const head = form[1];
  const line = lineAt(form.start);
  if (head === 'quote') return { skipped: 'a text-format test (component quote): Ironclad reads binaries only', line };
  let name = null;
  let definition = false;
  let bytes;
  if (head === 'binary' || (typeof head === 'string' && head.startsWith('$') && form[2] === 'binary')) {
    if (head !== 'binary') name = head;
    const parts = form.slice(head === 'binary' ? 2 : 3).map((s) => s.bytes);
    bytes = Buffer.concat(parts);
  } else {
    let src = text.slice(form.start, form.end);
    if (head === 'definition') {
      definition = true;
      if (typeof form[2] === 'string' && form[2].startsWith('$')) name = form[2];
      src = src.replace(/^\(component\s+definition/, '(component');
    } else if (typeof head === 'string' && head.startsWith('$')) {
      name = head;
    }
    try {
      bytes = Buffer.from(await parse(src));
    } catch (e) {
      return { skipped: 'jco cannot encode it: ' + String(e).split('\n')[0], line };
    }
  }
  const filename = `${stem}.${counter++}.wasm`;
  await writeFile(join(outDir, filename), bytes);
  return { filename, name, definition, line };
}

function action(form) {
  // (invoke $i? "f" args...)
  let i = 1;
  let instance = null;
  if (typeof form[i] === 'string' && form[i].startsWith('$')) instance = form[i++];
  const field = form[i++].str;
  return { type: 'invoke', instance, field, args: form.slice(i).map(plain) };
}

for (const form of forms) {
  const line = lineAt(form.start);
  const kind = form[0];
  if (kind === 'component') {
    if (form[1] === 'instance') {
      commands.push({ type: 'component_instance', line, name: form[2], definition: form[3] });
      continue;
    }
    const c = await component(form);
    if (c.skipped) commands.push({ type: 'skipped', line, reason: c.skipped });
    else commands.push({ type: 'component', ...c });
  } else if (kind === 'invoke') {
    commands.push({ type: 'action', line, action: action(form) });
  } else if (kind === 'assert_return') {
    commands.push({ type: 'assert_return', line, action: action(form[1]), expected: form.slice(2).map(plain) });
  } else if (kind === 'assert_trap') {
    if (form[1][0] === 'invoke') {
      commands.push({ type: 'assert_trap', line, action: action(form[1]), text: form[2].str });
    } else {
      const c = await component(form[1]);
      if (c.skipped) commands.push({ type: 'skipped', line, reason: c.skipped });
      else commands.push({ type: 'assert_trap_instantiate', line, filename: c.filename, text: form[2].str });
    }
  } else if (kind === 'assert_invalid' || kind === 'assert_malformed' || kind === 'assert_unlinkable') {
    const c = await component(form[1]);
    if (c.skipped) commands.push({ type: 'skipped', line, reason: c.skipped });
    else commands.push({ type: kind, line, filename: c.filename, text: form[2] ? form[2].str : '' });
  } else {
    commands.push({ type: 'skipped', line, reason: `unsupported command (${kind})` });
  }
}
await writeFile(join(outDir, `${stem}.json`), JSON.stringify({ source: script, commands }, null, 1));
