import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, SECRET_KEYS, loadConfig } from '../src/config.ts';
import {
  envOf,
  instructions,
  lineage,
  parseDockerfile,
  parseTemplate,
  parseYaml,
  stage,
} from './helpers/packaging.ts';
import type { Stage, Yaml } from './helpers/packaging.ts';

// No Docker engine here: these tests read the Dockerfile, docker-compose.yml and the Unraid template and check
// that they agree with each other and with src/config.ts, so a setting or path changed in one place fails here.

const ROOT = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const dockerfileText = read('Dockerfile');
const dockerfile = parseDockerfile(dockerfileText);
/** The default target (the full image, with remix) is the last stage; `--target small` names the other. */
const runtime = dockerfile.stages.at(-1)!;
const small = stage(dockerfile, 'small');
const targets = [small, runtime];
const runtimeEnv = envOf(dockerfile, runtime);
const composeText = read('docker-compose.yml');
const compose = parseYaml(composeText) as { services: Record<string, Record<string, Yaml>> };
const bot = compose.services.autoalex!;
const template = parseTemplate(read('unraid/autoalex.xml'));
const variables = template.configs.filter((c) => c.attributes.Type === 'Variable');
const paths = template.configs.filter((c) => c.attributes.Type === 'Path');
const pkg = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  engines: { node: string };
};

/** The settings the bot cannot start without, as loadConfig itself reports them. */
function requiredKeys(): string[] {
  try {
    loadConfig({}, 'bot');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.flatMap((p) => /^(\w+) is required but not set$/.exec(p)?.[1] ?? []);
  }
  throw new Error('the bot accepted an empty environment');
}
const REQUIRED = requiredKeys();
const SAMPLE: Record<string, string> = {
  DISCORD_TOKEN: 'sample-token',
  TAUTULLI_URL: 'http://192.168.1.10:8181',
  TAUTULLI_API_KEY: 'sample-key',
};
const MINIMAL = Object.fromEntries(REQUIRED.map((key) => [key, SAMPLE[key]]));
/** Settings the image sets itself (ENV in the Dockerfile): the container's defaults for them. */
const IMAGE_SETTINGS = CONFIG_KEYS.filter((key) => runtimeEnv.has(key));
/** Unraid adds `-e TZ=<the server's time zone>` to every container it creates (Helpers.php xmlToCommand). */
const SET_BY_UNRAID = ['TZ'];
const volumes = instructions(runtime, 'VOLUME').flatMap((v) => JSON.parse(v) as string[]);
const socket = '/var/run/docker.sock';

/** A commented-out block of docker-compose.yml (from `# <key>:` on), parsed as it would be once uncommented. */
function uncommented(key: string): Yaml {
  const lines = composeText.split('\n');
  const first = lines.findIndex((line) => new RegExp(`^( *)# ${key}:$`).test(line));
  expect(first, `no commented ${key}: block`).toBeGreaterThanOrEqual(0);
  const indent = /^( *)/.exec(lines[first]!)![1]!;
  const block: string[] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith(`${indent}# `) || (block.length > 0 && !line.startsWith(`${indent}#  `))) break;
    block.push(line.slice(indent.length + 2));
  }
  return parseYaml(block.join('\n'));
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

describe('Dockerfile', () => {
  it('runs on a Node LTS slim image, and builds the native modules on that same image', () => {
    expect(REQUIRED.every((key) => key in SAMPLE)).toBe(true);
    const base = lineage(dockerfile, runtime).at(-1)!.from;
    const match = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(base);
    expect(match, base).not.toBeNull();
    const major = Number(match![1]);
    expect(major % 2, 'only even Node majors become LTS').toBe(0);
    expect(major).toBeGreaterThanOrEqual(Number(/\d+/.exec(pkg.engines.node)![0]));
    // better-sqlite3 is compiled (or its prebuilt picked) for the Node ABI and glibc of the stage that installs it.
    for (const name of ['deps', 'build', 'prod-deps']) {
      expect(lineage(dockerfile, stage(dockerfile, name)).at(-1)!.from).toBe(base);
    }
    expect(runtime.name).toBe('remix');
    expect(lineage(dockerfile, small).at(-1)!.from).toBe(base);
  });

  it('installs production dependencies, the build output, package.json and assets into the image', () => {
    // One full install (native addons built once), pruned to the production dependencies.
    expect(instructions(stage(dockerfile, 'deps'), 'RUN').join('\n')).toMatch(/^npm ci\b/);
    expect(stage(dockerfile, 'prod-deps').from).toBe('deps');
    expect(stage(dockerfile, 'build').from).toBe('deps');
    expect(instructions(stage(dockerfile, 'prod-deps'), 'RUN').join('\n')).toMatch(/npm prune --omit=dev/);
    expect(instructions(stage(dockerfile, 'build'), 'RUN').join('\n')).toMatch(/npm run build/);
    const copies = instructions(small, 'COPY');
    expect(copies).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist/src ./dist/src');
    // src/version.ts reads ../package.json from dist/src.
    expect(copies).toContain('--from=build /app/package.json ./');
    // The image cards' fonts: the build stage creates assets/ when the repository has none yet.
    expect(copies).toContain('--from=build /app/assets ./assets');
    expect(instructions(stage(dockerfile, 'build'), 'RUN').join('\n')).toMatch(/mkdir -p assets/);
    expect(copies.join('\n')).toContain('/app/dist/scripts/deploy-commands.js');
    // The full image takes the app exactly as the small one has it.
    expect(instructions(runtime, 'COPY')).toEqual(['--from=small /app /app']);
  });

  it('sets the paths the bot uses, with the weights outside the /config volume', () => {
    expect(runtimeEnv.get('DATA_DIR')).toBe('/config');
    expect(volumes).toEqual(['/config']);
    expect(runtimeEnv.get('FFMPEG_PATH')).toBe('/usr/bin/ffmpeg');
    const apt = lineage(dockerfile, runtime)
      .flatMap((s) => instructions(s, 'RUN'))
      .join('\n');
    expect(apt).toMatch(/apt-get install [^&]*\bffmpeg\b/);

    const remix = stage(dockerfile, 'remix-deps');
    const venv = /python3 -m venv (\S+)/.exec(instructions(remix, 'RUN').join('\n'))?.[1];
    expect(venv).toBe('/opt/demucs');
    expect(runtimeEnv.get('DEMUCS_COMMAND')).toBe(`${venv}/bin/demucs`);
    expect(runtimeEnv.get('PATH')).toMatch(new RegExp(`^${venv}/bin:`));

    const torchHome = runtimeEnv.get('TORCH_HOME')!;
    expect(torchHome).toMatch(/^\/\w/);
    for (const volume of volumes) expect(`${torchHome}/`.startsWith(`${volume}/`)).toBe(false);
    expect(envOf(dockerfile, remix).get('TORCH_HOME')).toBe(torchHome);
    expect(runtimeEnv.get('PYTHONUNBUFFERED')).toBe('1');
    // Whatever the image sets must be a valid setting.
    const imageSettings = Object.fromEntries(IMAGE_SETTINGS.map((key) => [key, runtimeEnv.get(key)]));
    expect(IMAGE_SETTINGS).toEqual(['DEMUCS_COMMAND', 'FFMPEG_PATH', 'DATA_DIR']);
    expect(loadConfig({ ...MINIMAL, ...imageSettings }).remix.ffmpegPath).toBe('/usr/bin/ffmpeg');
  });

  it('pins Demucs to versions that work together and bakes in the default model', () => {
    const remix = stage(dockerfile, 'remix-deps');
    const args = envOf(dockerfile, remix, 'ARG');
    const torch = args.get('TORCH_VERSION')!;
    expect(torch).toBe('2.5.1');
    // torchaudio 2.9 saves through torchcodec only; Demucs 4.0.1 would fail to write its stems.
    expect(Number(torch.split('.')[1])).toBeLessThan(9);
    expect(args.get('TORCH_INDEX_URL')).toBe('https://download.pytorch.org/whl/cpu');
    expect(args.get('DEMUCS_VERSION')).toBe('4.0.1');
    expect(args.get('SOUNDFILE_VERSION')).toMatch(/^\d+\.\d+\.\d+$/);
    const runs = instructions(remix, 'RUN').join('\n');
    expect(runs).toContain(
      '--index-url "$TORCH_INDEX_URL" "torch==$TORCH_VERSION" "torchaudio==$TORCH_VERSION"',
    );
    expect(runs).toContain('"demucs==$DEMUCS_VERSION" "soundfile==$SOUNDFILE_VERSION"');

    const models = args.get('DEMUCS_MODELS')!.split(' ');
    expect(models).toContain(loadConfig(MINIMAL).remix.model);
    expect(models).toContain('htdemucs');
    expect(runs).toMatch(/for model in \$DEMUCS_MODELS; do[^\n]*get_model\(sys\.argv\[1\]\)/);
    expect(runs).toContain('--filename "{stem}.{ext}" --int24');
  });

  it('builds a small target without ffmpeg, Python, Demucs or the bundled ffmpeg, which every builder honours', () => {
    const order = dockerfile.stages.map((s) => s.name);
    // The legacy builder (no buildx) builds every stage up to the target in file order: nothing of remix before it.
    for (const name of order.slice(0, order.indexOf('small') + 1)) {
      const runs = instructions(stage(dockerfile, name), 'RUN').join('\n');
      expect(runs, name).not.toMatch(/apt-get install [^&]*\bffmpeg\b|python3-venv|pip install|demucs/);
    }
    expect(order.indexOf('remix-deps')).toBeGreaterThan(order.indexOf('small'));
    expect(lineage(dockerfile, small).map((s) => s.name)).toEqual(['small']);
    for (const copy of instructions(small, 'COPY')) expect(copy).toMatch(/^--from=(prod-deps|build) /);
    // Debian's ffmpeg only where remix runs; @ffmpeg-installer's binary in neither image.
    const apt = (target: Stage) =>
      lineage(dockerfile, target)
        .flatMap((s) => instructions(s, 'RUN'))
        .join('\n');
    expect(apt(small)).not.toMatch(/apt-get install [^&]*\bffmpeg\b/);
    expect(apt(runtime)).toMatch(/apt-get install [^&]*\bffmpeg\b/);
    expect(instructions(stage(dockerfile, 'prod-deps'), 'RUN').join('\n')).toMatch(
      /npm prune --omit=dev[^\n]*&& rm -rf node_modules\/@ffmpeg-installer/,
    );
    expect(dockerfile.globalArgs.has('WITH_REMIX')).toBe(false);
  });

  it('gives both targets the same settings, user, volume, health check and entry point', () => {
    const outside = (target: Stage) => {
      const env = envOf(dockerfile, target);
      return {
        env: [...env].filter(([key]) => CONFIG_KEYS.includes(key) || ['NODE_ENV', 'PATH'].includes(key)),
        ...Object.fromEntries(
          ['LABEL', 'WORKDIR', 'USER', 'VOLUME', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD'].map((k) => [
            k,
            instructions(target, k),
          ]),
        ),
      };
    };
    expect(outside(runtime)).toEqual(outside(small));
  });

  it('runs as a non-root user under tini, with a health check that the build produces', () => {
    for (const target of targets) {
      const users = instructions(target, 'USER');
      expect(users.at(-1)).toBeDefined();
      expect(['root', '0']).not.toContain(users.at(-1)!.split(':')[0]);
      expect(json<string[]>(instructions(target, 'ENTRYPOINT')[0]!)).toEqual(['/usr/bin/tini', '--']);
      const runs = lineage(dockerfile, target).flatMap((s) => instructions(s, 'RUN'));
      expect(runs.join('\n'), target.name).toMatch(/apt-get install [^&]*\btini\b/);
      expect(instructions(target, 'WORKDIR')).toEqual(['/app']);
    }

    const healthcheck = instructions(runtime, 'HEALTHCHECK')[0]!;
    expect(healthcheck).toMatch(/--start-period=\d+s/);
    const command = json<string[]>(/CMD (\[.*\])$/.exec(healthcheck)![1]!);
    expect(command[0]).toBe('node');
    const cmd = json<string[]>(instructions(runtime, 'CMD')[0]!);
    expect(cmd[0]).toBe('node');
    // dist/src/<name>.js comes from src/<name>.ts (tsconfig.build.json: rootDir ".", include src).
    const build = json<{ compilerOptions: { rootDir: string }; include: string[] }>(
      read('tsconfig.build.json'),
    );
    expect(build.compilerOptions.rootDir).toBe('.');
    expect(build.include).toContain('src');
    for (const script of [command[1]!.replace(/^\/app\//, ''), cmd.at(-1)!]) {
      const source = script.replace(/^dist\/(.*)\.js$/, '$1.ts');
      expect(source, script).toMatch(/^src\/\w[\w-]*\.ts$/);
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });

  it('.dockerignore keeps secrets and local state out, and the build inputs in', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['node_modules', 'dist', '.env', '.git', '.demo-data', 'test', 'fakes', 'bench']) {
      expect(ignored).toContain(entry);
    }
    for (const needed of [
      'src',
      'scripts',
      'assets',
      'tsconfig.build.json',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      expect(
        ignored.some((pattern) => needed === pattern || needed.startsWith(`${pattern}/`) || pattern === '*'),
      ).toBe(false);
    }
  });
});

describe('src/ at run time', () => {
  it('imports only production dependencies and Node built-ins', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    const allowed = new Set(Object.keys(pkg.dependencies));
    const found = new Set<string>();
    for (const file of files) {
      const text = read(join('src', file));
      const specifiers = [
        ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
      ];
      for (const specifier of specifiers) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
          continue;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        found.add(name);
        expect(allowed.has(name), `${file} imports ${name}, which is not a production dependency`).toBe(true);
      }
    }
    // The scan must see the lazily loaded modules too, or it proves nothing about them.
    expect(found).toContain('dockerode');
    expect(found).toContain('discord.js');
  });
});

describe('docker-compose.yml', () => {
  it('runs the bot from .env, restarts it, keeps /config and rotates its logs', () => {
    expect(bot.env_file).toBe('.env');
    expect(bot.restart).toBe('unless-stopped');
    expect((bot.build as Record<string, Yaml>).context).toBe('.');
    expect(targets.map((t) => t.name)).toContain((bot.build as Record<string, Yaml>).target);
    const mounts = bot.volumes as string[];
    expect(mounts.filter((m) => m.split(':')[1] === '/config')).toEqual([
      '/mnt/user/appdata/autoalex:/config',
    ]);
    const logging = bot.logging as { driver: string; options: Record<string, string> };
    expect(logging.driver).toBe('json-file');
    expect(logging.options['max-size']).toMatch(/^\d+[km]$/);
    expect(logging.options['max-file']).toMatch(/^\d+$/);
    // The required settings come from .env: .env.example lists them and the compose file says to fill them in.
    const example = read('.env.example');
    for (const key of REQUIRED) {
      expect(example).toMatch(new RegExp(`^${key}=`, 'm'));
      expect(composeText).toContain(key);
    }
  });

  it('runs hardened: no new privileges, no capabilities, a read-only image with a /tmp tmpfs, a memory limit', () => {
    expect(bot.security_opt).toEqual(['no-new-privileges:true']);
    expect(bot.cap_drop).toEqual(['ALL']);
    expect(String(bot.read_only)).toBe('true');
    expect(bot.tmpfs).toEqual(['/tmp:size=512m,mode=1777']);
    expect(String(bot.mem_limit)).toMatch(/^\d+[mg]$/);
    // Read-only means every write goes to the volume or the tmpfs: DATA_DIR is the volume.
    expect((bot.environment as Record<string, string>).DATA_DIR).toBe('/config');
  });

  it("pins the image's paths over .env, to the values the image and the volume use", () => {
    const environment = bot.environment as Record<string, string>;
    for (const key of Object.keys(environment)) expect(CONFIG_KEYS).toContain(key);
    for (const key of IMAGE_SETTINGS) expect(environment[key], key).toBe(runtimeEnv.get(key));
    expect(environment.DATA_DIR).toBe(volumes[0]);
    expect(environment.TZ).toBe('${TZ:-Etc/UTC}');
    const settings = Object.fromEntries(IMAGE_SETTINGS.map((key) => [key, environment[key]]));
    expect(loadConfig({ ...MINIMAL, ...settings, TZ: 'Etc/UTC' }).dataDir).toBe('/config');
  });

  it('mounts the Docker socket read-only with the warning, and offers the socket proxy and a GPU instead', () => {
    const mounts = bot.volumes as string[];
    expect(mounts).toContain(`${socket}:${socket}:ro`);
    expect(composeText).toMatch(
      /# WARNING: the Docker socket gives whoever controls this container root-equivalent/,
    );
    // The commented alternatives must be valid once uncommented, and agree with the README's "The Docker socket".
    const proxy = uncommented('docker-proxy') as { 'docker-proxy': Record<string, Yaml> };
    expect(proxy['docker-proxy'].image).toMatch(/^tecnativa\/docker-socket-proxy:/);
    expect(proxy['docker-proxy'].environment).toEqual({ CONTAINERS: '1', POST: '0' });
    expect(proxy['docker-proxy'].volumes).toEqual([`${socket}:${socket}:ro`]);
    expect(proxy['docker-proxy'].ports).toBeUndefined();
    expect(composeText).toMatch(/# {5}POST: 0 # 1 only with MONITOR_ALLOW_RESTART=true/);
    expect(composeText).toMatch(/^ {6}# DOCKER_HOST: tcp:\/\/docker-proxy:2375$/m);
    expect(read('README.md')).toContain('DOCKER_HOST=tcp://docker-proxy:2375');
    expect(loadConfig({ ...MINIMAL, DOCKER_HOST: 'tcp://docker-proxy:2375' }).monitor.dockerHost).toBe(
      'tcp://docker-proxy:2375',
    );
    const gpu = uncommented('deploy') as { deploy: Yaml };
    expect(gpu.deploy).toEqual({
      resources: { reservations: { devices: [{ driver: 'nvidia', count: '1', capabilities: ['gpu'] }] } },
    });
    expect(composeText).toContain('DEMUCS_DEVICE=cuda');
    expect(loadConfig({ ...MINIMAL, DEMUCS_DEVICE: 'cuda' }).remix.device).toBe('cuda');
  });
});

describe('Unraid template', () => {
  it('has every setting of src/config.ts except TZ, which Unraid passes itself', () => {
    const targets = variables.map((v) => v.attributes.Target);
    expect(new Set(targets).size).toBe(targets.length);
    expect([...targets].sort()).toEqual(CONFIG_KEYS.filter((key) => !SET_BY_UNRAID.includes(key)).sort());
    for (const v of variables) {
      expect(v.attributes.Name, v.attributes.Target).toMatch(/\S/);
      expect(v.attributes.Description, v.attributes.Target).toMatch(/\S{3}/);
      expect(['always', 'advanced']).toContain(v.attributes.Display);
    }
  });

  it('marks the required settings and masks the secrets', () => {
    const flagged = (attribute: string) =>
      variables.filter((v) => v.attributes[attribute] === 'true').map((v) => v.attributes.Target);
    expect(flagged('Required').sort()).toEqual([...REQUIRED].sort());
    expect(flagged('Mask').sort()).toEqual([...SECRET_KEYS].sort());
    for (const v of variables) {
      expect(['true', 'false']).toContain(v.attributes.Required);
      expect(['true', 'false']).toContain(v.attributes.Mask);
      if (v.attributes.Required === 'true') expect(v.attributes.Display).toBe('always');
    }
  });

  it("defaults to the schema's defaults, and to the image's own paths where the image sets them", () => {
    const baseline = loadConfig(MINIMAL);
    for (const { attributes, value } of variables) {
      const key = attributes.Target!;
      const options = attributes.Default!.split('|');
      // Unraid passes the element's text, or Default when the text is empty; a Default with "|" is a menu
      // whose first entry is preselected, so the text must name it.
      expect(value, key).toBe(options.length > 1 ? options[0] : attributes.Default);
      for (const option of options.filter(Boolean)) {
        expect(() => loadConfig({ ...MINIMAL, [key]: option }), `${key}=${option}`).not.toThrow();
      }
      if (REQUIRED.includes(key)) {
        expect(value, key).toBe('');
      } else if (IMAGE_SETTINGS.includes(key)) {
        expect(value, key).toBe(runtimeEnv.get(key));
      } else {
        // An empty value counts as unset, so this also holds for settings without a default.
        expect(loadConfig({ ...MINIMAL, [key]: value }), key).toEqual(baseline);
      }
    }
  });

  it('maps /config and the Docker socket the way the Dockerfile and docker-compose.yml do', () => {
    const config = paths.find((p) => p.attributes.Target === volumes[0]);
    expect(config?.attributes).toMatchObject({
      Mode: 'rw',
      Required: 'true',
      Default: '/mnt/user/appdata/autoalex',
    });
    expect(config?.value).toBe('/mnt/user/appdata/autoalex');
    const docker = paths.find((p) => p.attributes.Target === socket);
    expect(docker?.attributes).toMatchObject({ Mode: 'ro', Default: socket, Required: 'false' });
    expect(docker?.value).toBe(socket);
    expect(docker?.attributes.Description).toContain('WARNING');
    expect(docker?.attributes.Description).toContain('tecnativa/docker-socket-proxy');
    expect(paths).toHaveLength(2);
    // Unraid creates appdata folders owned by 99:100; compose runs as the same user.
    expect(template.fields.ExtraParams).toContain(`--user ${bot.user as string}`);
    expect(template.fields.WebUI).toBe('');
    expect(template.fields.Network).toBe('bridge');
  });

  it('points its icon, template URL and links at files and pages of one repository', () => {
    const project = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)$/.exec(template.fields.Project!);
    expect(project).not.toBeNull();
    const [, owner, repo] = project!;
    const raw = `https://raw.githubusercontent.com/${owner}/${repo}/main/`;
    for (const [field, file] of [
      ['Icon', 'unraid/autoalex.png'],
      ['TemplateURL', 'unraid/autoalex.xml'],
    ] as const) {
      expect(template.fields[field]).toBe(raw + file);
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    }
    expect(template.fields.Support).toBe(`https://github.com/${owner}/${repo}/issues`);
    expect(template.fields.Repository).toBe(`ghcr.io/${owner!.toLowerCase()}/${repo!.toLowerCase()}:latest`);
    expect(template.fields.Registry).toContain(`github.com/${owner}/${repo}`);
    expect(dockerfileText).toContain(`org.opencontainers.image.source="https://github.com/${owner}/${repo}"`);
    // The same account in docker-compose.yml: one placeholder, replaced in all three (README "The published image").
    expect(bot.image).toBe(template.fields.Repository);
    const png = readFileSync(join(ROOT, 'unraid/autoalex.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 256]);
  });
});

describe('README', () => {
  it('names the commands and files the Docker set-up really has', () => {
    const readme = read('README.md');
    for (const text of [
      'docker compose up -d --build',
      '--target small',
      'unraid/autoalex.xml',
      'node dist/scripts/deploy-commands.js',
      'node dist/src/healthcheck.js',
    ]) {
      expect(readme).toContain(text);
    }
  });
});
