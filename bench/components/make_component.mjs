// Builds bench/components' component: calls.component.wat.in with calls_core.wat pasted in
// as its core module `$M`, encoded by jco's wasm-tools (`parse`).
// Usage: node make_component.mjs NODE_MODULES_DIR OUT.wasm
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [modules, out] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const { parse } = await import(pathToFileURL(join(modules, '@bytecodealliance/jco/dist/api.js')));
const core = (await readFile(join(here, 'calls_core.wat'), 'utf8'))
  .replace(/^;;.*$/gm, '')
  .replace('(module', '(core module $M');
const template = await readFile(join(here, 'calls.component.wat.in'), 'utf8');
await writeFile(out, await parse(template.replace(/^\s*@CORE@$/m, core)));
