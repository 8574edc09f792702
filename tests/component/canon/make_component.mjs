// Makes a component of world ironclad:canon/canon from a core module built from canon.c:
// `jco embed` (with the given string encoding) then `jco new`, through jco's API.
// The WIT goes in as text: jco 1.35's command line reads --wit through a WASI shim that has
// no preopened directories, so `jco embed --wit FILE` cannot find any file.
//   node make_component.mjs NODE_MODULES CORE.wasm WIT ENCODING OUT.wasm
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [modules, core, wit, encoding, out] = process.argv.slice(2);
const jco = await import(pathToFileURL(`${modules}/@bytecodealliance/jco/dist/api.js`));
const embedded = await jco.componentEmbed({
  binary: await readFile(core),
  witSource: await readFile(wit, 'utf8'),
  stringEncoding: encoding,
  world: 'canon',
});
await writeFile(out, await jco.componentNew(embedded));
