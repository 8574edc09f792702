// Runs the calls of a JSON file (written by canon_differential_test.cpp) against the
// component jco transpiled, with host.mjs as its host, and prints one line per call in the
// rendering of canon_fixture.h's render(): the reference the test compares Ironclad with.
//   node run_calls.mjs TRANSPILED/canon.js CALLS.json
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Blob } from './host.mjs';

const [componentJs, callsFile] = process.argv.slice(2);
const mod = await import(pathToFileURL(componentJs));
const api = mod['ironclad:canon/api'] ?? mod.api;

// The WIT types of canon.wit, as far as the calls need them.
const point = { record: [['x', 's32'], ['y', 'f64'], ['name', 'string']] };
const shape = { variant: [['none', null], ['circle', 'f32'], ['rect', point], ['label', 'string']] };
const color = { enum: ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white'] };
const perms = { flags: ['read', 'write', 'exec', 'search', 'admin'] };
const optopt = { option: { option: 'string' } };
const res = { result: ['u32', 'string'] };
const bag = {
  record: [
    ['t', { tuple: ['u8', 'string', 's64'] }],
    ['o', { option: { option: 'u32' } }],
    ['r', { result: ['string', color] }],
    ['e', color],
    ['f', perms],
    ['v', shape],
    ['l', { list: { option: 's16' } }],
    ['c', 'char'],
  ],
};
const scalarTypes = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char'];
const signatures = {
  scalars: [scalarTypes, { tuple: scalarTypes }],
  'f32-bits': [['f32'], 'u32'],
  'f64-bits': [['f64'], 'u64'],
  'f32-from-bits': [['u32'], 'f32'],
  'f64-from-bits': [['u64'], 'f64'],
  str: [['string'], 'string'],
  'str-units': [['string'], 'u32'],
  bytes: [[{ list: 'u8' }], { list: 'u8' }],
  points: [[{ list: point }], { list: point }],
  'e-shape': [[shape], shape],
  'e-color': [[color], color],
  'e-perms': [[perms], perms],
  opt: [[optopt], optopt],
  res: [[res], res],
  'e-bag': [[bag], bag],
  'blob-make': [[{ list: 'u8' }], { tuple: ['u32', 'u32', { list: 'u8' }, 'u32'] }],
};

const view = new DataView(new ArrayBuffer(8));
const isNested = (t) => typeof t === 'object' && t !== null && 'option' in t;

function fromJson(t, j) {
  switch (t) {
    case 'bool': return j;
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': return Number(j);
    case 's64': case 'u64': return BigInt(j);
    case 'f32': view.setUint32(0, Number(BigInt(j))); return view.getFloat32(0);
    case 'f64': view.setBigUint64(0, BigInt(j)); return view.getFloat64(0);
    case 'char': return String.fromCodePoint(j);
    case 'string': return j;
  }
  if (t.list) return t.list === 'u8' ? Uint8Array.from(j.map(Number)) : j.map((x) => fromJson(t.list, x));
  if (t.record) return Object.fromEntries(t.record.map(([n, ft], i) => [n, fromJson(ft, j[i])]));
  if (t.tuple) return t.tuple.map((et, i) => fromJson(et, j[i]));
  if (t.variant) {
    const [name, pt] = t.variant[j.c];
    return pt === null ? { tag: name } : { tag: name, val: fromJson(pt, j.v) };
  }
  if (t.enum) return t.enum[j];
  if (t.flags) return Object.fromEntries(t.flags.map((n, i) => [n, ((j >> i) & 1) === 1]));
  if (t.option) {
    if (isNested(t.option)) return j.c === 0 ? { tag: 'none' } : { tag: 'some', val: fromJson(t.option, j.v) };
    return j.c === 0 ? undefined : fromJson(t.option, j.v);
  }
  if (t.result) return { tag: j.c === 0 ? 'ok' : 'err', val: fromJson(t.result[j.c], j.v) };
  throw new Error('unknown type ' + JSON.stringify(t));
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

function renderString(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    out += cp >= 0x20 && cp < 0x7f && ch !== '"' && ch !== '\\' ? ch : `\\u{${cp.toString(16)}}`;
  }
  return out + '"';
}

function render(t, v) {
  switch (t) {
    case 'bool': return v ? 'true' : 'false';
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': case 's64': case 'u64':
      return String(v);
    case 'f32':
      if (Number.isNaN(v)) return 'nan';
      view.setFloat32(0, v);
      return 'f32:' + hex(view.getUint32(0), 8);
    case 'f64':
      if (Number.isNaN(v)) return 'nan';
      view.setFloat64(0, v);
      return 'f64:' + hex(view.getBigUint64(0), 16);
    case 'char': return 'c:' + v.codePointAt(0).toString(16);
    case 'string': return renderString(v);
  }
  if (t.list) return '[' + Array.from(v, (x) => render(t.list, x)).join(',') + ']';
  if (t.record) return '{' + t.record.map(([n, ft]) => render(ft, v[n])).join(',') + '}';
  if (t.tuple) return '(' + t.tuple.map((et, i) => render(et, v[i])).join(',') + ')';
  if (t.variant) {
    const i = t.variant.findIndex(([n]) => n === v.tag);
    const pt = t.variant[i][1];
    return '#' + i + (pt === null ? '' : '(' + render(pt, v.val) + ')');
  }
  if (t.enum) return '#' + t.enum.indexOf(v);
  if (t.flags) return 'flags:' + t.flags.reduce((bits, n, i) => bits | (v[n] ? 1 << i : 0), 0);
  if (t.option) {
    if (isNested(t.option)) return v.tag === 'none' ? '#0' : '#1(' + render(t.option, v.val) + ')';
    return v === undefined ? '#0' : '#1(' + render(t.option, v) + ')';
  }
  if (t.result) return (v.tag === 'ok' ? '#0(' : '#1(') + render(t.result[v.tag === 'ok' ? 0 : 1], v.val) + ')';
  throw new Error('unknown type ' + JSON.stringify(t));
}

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

function call(fn, args) {
  if (fn === 'blob-take' || fn === 'blob-peek') {
    const blob = new Blob(args[0].map(Number));
    return String(api[camel(fn)](blob));
  }
  if (fn === '@counter') {
    const [start, a, b, other] = args.map(Number);
    const c = new api.Counter(start);
    const r1 = c.add(a);
    const r2 = c.add(b);
    const got = api.counterGet(c);
    const taken = api.counterTake(c);
    const dropped = api.countersDropped();
    const d = new api.Counter(other);
    d[Symbol.dispose]();
    return `(${r1},${r2},${got},${taken},${dropped},${api.countersDropped()})`;
  }
  const [params, result] = signatures[fn];
  const values = params.map((t, i) => fromJson(t, args[i]));
  if (result.result) {  // jco returns the ok payload and throws the error's
    try {
      return '#0(' + render(result.result[0], api[camel(fn)](...values)) + ')';
    } catch (e) {
      if (e && 'payload' in e) return '#1(' + render(result.result[1], e.payload) + ')';
      throw e;
    }
  }
  return render(result, api[camel(fn)](...values));
}

const lines = [];
for (const { fn, args } of JSON.parse(readFileSync(callsFile, 'utf8'))) {
  try {
    lines.push(call(fn, args));
  } catch (e) {
    lines.push('trap: ' + String(e && e.message ? e.message : e).split('\n')[0]);
  }
}
process.stdout.write(lines.join('\n') + '\n');
