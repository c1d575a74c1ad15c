#!/usr/bin/env node
// Checks what `pnpm publish` would put in the tarball of the package in the working folder:
// its README, LICENSE and built files, no sources or tests, and the manifest fields a
// published package needs. Run by each published package's `test` script.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];

for (const field of ['name', 'version', 'description', 'license', 'exports', 'types', 'engines', 'files']) {
  if (manifest[field] === undefined) problems.push(`package.json has no "${field}"`);
}
if (manifest.private) problems.push('package.json says "private": true: it cannot be published');
if (!/^\d+\.\d+\.\d+/.test(manifest.version ?? '')) problems.push(`version ${manifest.version} is not semver`);

// pnpm packs as it publishes: workspace:* ranges become the packages' versions.
const packed = JSON.parse(execFileSync('pnpm', ['pack', '--dry-run', '--json'], { encoding: 'utf8' }));
const files = packed.files.map((file) => file.path);
for (const needed of ['package.json', 'README.md', 'LICENSE']) {
  if (!files.includes(needed)) problems.push(`the tarball lacks ${needed}`);
}
const targets = [manifest.types, manifest.main, manifest.module, ...Object.values(manifest.bin ?? {})].filter(Boolean);
for (const target of targets) {
  const path = target.replace(/^\.\//, '');
  if (!files.includes(path)) problems.push(`the tarball lacks ${path}, named in package.json (build first)`);
}
for (const file of files) {
  if (/^(src|test|scripts)\//.test(file) || /\.test\.|tsconfig|tsup\.config|vitest\.config/.test(file)) {
    problems.push(`the tarball holds ${file}, which is not for users`);
  }
}

if (problems.length > 0) {
  console.error(`${manifest.name}: the package is not ready to publish:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${manifest.name}@${manifest.version}: ${files.length} files ready to publish (${files.filter((f) => f.startsWith('dist/')).length} in dist/)`,
);
