// Prints, for each component file named on the command line, the WIT that jco's wasm-tools
// (`jco wit`) derives from it, as one JSON object {file: {wit} | {error}}. One node process
// for all files. Usage: node jco_wit.mjs NODE_MODULES_DIR FILE...
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, ...files] = process.argv.slice(2);
const { componentWit } = await import(pathToFileURL(join(modules, '@bytecodealliance/jco/dist/api.js')));
const out = {};
for (const file of files) {
  try {
    out[file] = { wit: await componentWit(await readFile(file)) };
  } catch (e) {
    out[file] = { error: String(e) };
  }
}
process.stdout.write(JSON.stringify(out));
