// Runs a WASI preview1 command under node's V8 for the corpus (corpus/driver.py).
// Usage: node --no-warnings corpus/node_runner.mjs [--dir HOST::GUEST]... FILE.wasm [ARGS...]
// The program's exit status is printed on stderr as `corpus-node-exit: N` when it exits: node
// 20 may die with SIGSEGV after the program finished, so the driver reads this line, not
// node's own status.
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
while (argv[0] === '--dir') {
  const [host, guest] = argv[1].split('::');
  preopens[guest ?? host] = host;
  argv.splice(0, 2);
}
const [file, ...args] = argv;
if (!file) {
  console.error('usage: node_runner.mjs [--dir HOST::GUEST]... FILE.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
// The status is written (synchronously) as the program exits, before node unwinds: node 20
// may crash with SIGSEGV after proc_exit (zstd -19) or while tearing the instance down.
const imports = wasi.getImportObject();
const preview1 = imports.wasi_snapshot_preview1;
const procExit = preview1.proc_exit;
let reported = false;
const report = (status) => {
  if (!reported) writeSync(2, `corpus-node-exit: ${status}\n`);
  reported = true;
};
preview1.proc_exit = (code) => {
  report(code);
  return procExit(code);
};
const instance = await WebAssembly.instantiate(module, imports);
let status;
try {
  status = wasi.start(instance);
} catch (e) {
  console.error(`corpus-node-trap: ${e}`);
  status = 1;
}
report(status);
process.exit(status);
