// The zed:extension host as a mock for `jco transpile` + node: the same fixed answers the
// C++ test gives Ironclad's host (jco_reference_test.cpp writes them to a JSON file that
// run_lsp_command.mjs passes to setAnswers), for the imports of every world, top-level
// (worlds up to 0.0.4) and zed:extension/<interface> alike. Every call is logged, so the
// test can compare what the extension asked of the network too.
//   answers = {platform: [os, arch], release: {version, assets: [{name, downloadUrl}]},
//              node: PATH, worktree: {id, root, env: [[k, v]...]}}
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

let answers = null;
export const log = [];

export function setAnswers(a) {
  answers = a;
}

function fail(message) {
  return { tag: 'err', val: message };
}

export class Worktree {
  id() {
    return BigInt(answers.worktree.id);
  }
  rootPath() {
    return answers.worktree.root;
  }
  // As Ironclad's: a relative path inside the root, no `..`.
  readTextFile(path) {
    if (path.startsWith('/') || path.split('/').includes('..'))
      return fail(`read-text-file: ${path}: outside the worktree`);
    try {
      return readFileSync(join(answers.worktree.root, path), 'utf8');
    } catch (e) {
      return fail(`read-text-file: ${path}: ${e.code}`);
    }
  }
  // Searches the worktree's shell-env PATH, as Ironclad's host does.
  which(binaryName) {
    const path = (answers.worktree.env.find(([k]) => k === 'PATH') ?? [])[1] ?? '';
    for (const dir of path.split(':')) {
      if (!dir) continue;
      const candidate = join(dir, binaryName);
      try {
        if (statSync(candidate).isFile()) {
          accessSync(candidate, constants.X_OK);
          return candidate;
        }
      } catch {}
    }
    return undefined;
  }
  shellEnv() {
    return answers.worktree.env;
  }
}

export class Project {
  worktreeIds() {
    return BigUint64Array.from([BigInt(answers.worktree.id)]);
  }
}

export class KeyValueStore {
  insert(key, value) {
    log.push(`kv-insert ${key}`);
  }
}

// jco spells a WIT enum case in lower camel case ("x86-64" -> "x8664").
const jcoCase = (name) => name.replace(/-(.)/g, (_, c) => c.toUpperCase());

export function currentPlatform() {
  return answers.platform.map(jcoCase);
}

function release(version) {
  return { version, assets: answers.release.assets };
}

export function latestGithubRelease(repo, options) {
  log.push(`latest ${repo}`);
  return release(answers.release.version);
}

export function githubReleaseByTagName(repo, tag) {
  log.push(`tag ${repo} ${tag}`);
  return release(tag);
}

// Nothing is written: Ironclad's side answers with a network double that does the same.
export function downloadFile(url, path, fileType) {
  log.push(`download ${url} -> ${path} (${fileType})`);
}

export function makeFileExecutable(path) {
  log.push(`chmod ${path}`);
  return fail(`make-file-executable: '${path}' is not a regular file in the extension's work directory`);
}

export function setLanguageServerInstallationStatus(server, status) {}

export function nodeBinaryPath() {
  return answers.node;
}

export function npmPackageLatestVersion(name) {
  log.push(`npm-latest ${name}`);
  return fail('npm is not available in this host');
}

export function npmPackageInstalledVersion(name) {
  return undefined;
}

export function npmInstallPackage(name, version) {
  log.push(`npm-install ${name}@${version}`);
  return fail(`capability denied: npm:install:${name}`);
}

// The interfaces of worlds 0.0.6 and later (zed:extension/<name>, mapped here by name).
export const github = { latestGithubRelease, githubReleaseByTagName };
export const platform = { currentPlatform };
export const nodejs = {
  nodeBinaryPath,
  npmPackageLatestVersion,
  npmPackageInstalledVersion,
  npmInstallPackage,
};
