// Runs init-extension, then language-server-command, on a Zed extension that `jco transpile`
// turned into JS (with zed_host.mjs mapped in as its zed:extension host), and prints
// {"command", "args", "env"} or {"error"} as one JSON line, then the host calls it logged:
// the reference jco_reference_test.cpp compares Ironclad's answer with.
//   node run_lsp_command.mjs TRANSPILED/ext.js ANSWERS.json WORK_DIR WORLD_FOLDER SERVER LANGUAGE
// As Ironclad's host (and Zed's): the extension's WASI view is its work directory, preopened
// as "." and at its real path, with PWD naming it. This file, zed_host.mjs and a
// node_modules link to tools/npm's sit next to ext.js, so the extension and this runner
// share one host and one WASI shim.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { _setCwd, _setEnv } from '@bytecodealliance/preview2-shim/cli';
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
import * as host from './zed_host.mjs';

const [extJs, answersFile, workDir, world, server, language] = process.argv.slice(2);
const answers = JSON.parse(readFileSync(answersFile, 'utf8'));
_setPreopens({ '.': workDir, [workDir]: workDir });
_setEnv({ PWD: workDir, RUST_BACKTRACE: '1' });
_setCwd(workDir);
host.setAnswers(answers);
const ext = await import(pathToFileURL(extJs));

// Worlds before 0.0.6 name a language server by a record, later ones by its id.
const [major, minor, patch] = world.replace('since_v', '').split('.').map(Number);
const before006 = major === 0 && minor === 0 && patch < 6;
const config = before006 ? { name: server, languageName: language } : server;

function print(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const line of host.log) process.stdout.write(line + '\n');
}

try {
  ext.initExtension();
  const command = ext.languageServerCommand(config, new host.Worktree());
  print({ command: command.command, args: command.args, env: Object.fromEntries(command.env) });
} catch (e) {
  // jco throws a result's err payload as a ComponentError carrying it.
  if (e && typeof e.payload === 'string') print({ error: e.payload });
  else throw e;
}
