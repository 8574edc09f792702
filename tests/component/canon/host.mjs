// The host side of interface ironclad:canon/host for node (jco transpile maps the import
// here): the same answers as CanonHost in tests/component/canon_fixture.h.
let drops = 0;

const colors = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white'];

export function nextChar(c) {
  let n = c.codePointAt(0) + 1;
  if (n === 0xd800) n = 0xe000;
  if (n === 0x110000) n = 0;
  return String.fromCodePoint(n);
}

export function reversed(s) {
  return [...s].reverse().join('');
}

export class Blob {
  constructor(data) {
    this.data = Uint8Array.from(data);
  }
  size() {
    return this.data.length;
  }
  read() {
    return this.data;
  }
  [Symbol.dispose]() {
    drops++;
  }
}

export function hScalars(a, b, c, d, e, f, g, h, i, j, k, l) {
  return [
    !a,
    ((b + 1) << 24) >> 24,
    (c + 1) & 0xff,
    ((d + 1) << 16) >> 16,
    (e + 1) & 0xffff,
    (f + 1) | 0,
    (g + 1) >>> 0,
    BigInt.asIntN(64, h + 1n),
    BigInt.asUintN(64, i + 1n),
    Math.fround(j * 2),
    k * 2,
    nextChar(l),
  ];
}

export function hStr(s) {
  return reversed(s);
}

export function hBytes(b) {
  return Uint8Array.from([...b].reverse().map((x) => x ^ 0x5a));
}

export function hPoints(p) {
  return [...p].reverse().map((q) => ({ x: (q.x + 1) | 0, y: -q.y, name: q.name + '!' }));
}

export function hShape(s) {
  switch (s.tag) {
    case 'none':
      return { tag: 'label', val: 'none' };
    case 'circle':
      return { tag: 'circle', val: Math.fround(s.val * 2) };
    case 'rect':
      return { tag: 'rect', val: { x: (s.val.x + 1) | 0, y: s.val.y, name: s.val.name } };
    default:
      return { tag: 'label', val: s.val + '?' };
  }
}

export function hColor(c) {
  return colors[(colors.indexOf(c) + 1) % 8];
}

export function hPerms(p) {
  return { read: !p.read, write: !!p.write, exec: !p.exec, search: !!p.search, admin: !p.admin };
}

export function hOpt(o) {
  if (o.tag === 'none') return { tag: 'some', val: undefined };
  if (o.val === undefined) return { tag: 'some', val: 'x' };
  if (o.val === '') return { tag: 'none' };
  return { tag: 'some', val: o.val + o.val };
}

export function hRes(r) {
  if (r.tag === 'ok') throw { payload: String(r.val) };
  return [...r.val].length;
}

export function hBag(b) {
  return {
    ...b,
    t: [(b.t[0] + 1) & 0xff, reversed(b.t[1]), BigInt.asIntN(64, -b.t[2])],
    l: [...b.l].reverse(),
    c: nextChar(b.c),
  };
}

export function hBlobSum(b) {
  return b.data.reduce((s, x) => s + x, 0);
}

export function hBlobDrops() {
  return drops;
}

export function hLendThenTake(a, b) {}
