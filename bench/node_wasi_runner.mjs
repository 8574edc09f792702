// Runs a WASI preview1 command module under node's V8 for the benchmark table.
// Usage: node --no-warnings bench/node_wasi_runner.mjs FILE.wasm [ARGS...]
// Node 20 may exit with SIGSEGV (status 139) after the program has finished and printed
// everything, so bench/run.sh checks the program's checksum line, not this exit status.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node_wasi_runner.mjs FILE.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: process.env, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
