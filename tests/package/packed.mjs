// The built package the way users get it: `npm pack` of pkg/ (run scripts/build.sh first) or
// of the folder in $PKG_DIR, installed into a new throwaway project under the system's
// temporary folder.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** pkg/, or the folder in `PKG_DIR` (e.g. a copy of an earlier build). */
export const pkgDir = process.env.PKG_DIR
  ? resolve(process.env.PKG_DIR) + sep
  : fileURLToPath(new URL('../../pkg/', import.meta.url));
export const repoDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Packs pkg/ and installs the tarball into a new project.
 * @param {string} name a label for the temporary folder
 * @param {object} [packageJson] extra fields of the project's package.json
 * @returns {{ project: string, tarball: string, files: string[], remove(): void }}
 */
export function installPacked(name, packageJson = {}) {
  const project = mkdtempSync(join(tmpdir(), `aliyun-es-https-${name}-`));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project, pkgDir], { encoding: 'utf8' }),
  );
  const manifest = { name: `consumer-${name}`, private: true, ...packageJson };
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  const tarball = join(project, packed.filename);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project, stdio: 'pipe' });
  return {
    project,
    tarball,
    files: packed.files.map((f) => f.path),
    remove: () => rmSync(project, { recursive: true, force: true }),
  };
}

/**
 * Runs `node script args…` in `cwd` without blocking this process (an in-process emulator
 * must keep answering). Resolves with { code, stdout, stderr }; never rejects on exit codes.
 * The ALIBABA_CLOUD_* variables of this process are not passed on; `env` adds variables.
 */
export function runNode(cwd, args, env = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('ALIBABA_CLOUD_')) delete base[k];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...base, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
