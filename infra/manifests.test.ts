/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped; the assertions are the types. */
// Deployment files are parsed and cross-checked here, since no Docker engine or cluster
// runs in CI: every reference (labels, ports, secrets, images, files) must resolve.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { redisKeys } from '@fermx/queue';

const infra = dirname(fileURLToPath(import.meta.url));
const root = join(infra, '..');

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: any;
  stringData?: any;
};

function loadK8s(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(infra, 'k8s', file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return d.toJS() as Doc;
  });
}

const kustomization = parse(readFileSync(join(infra, 'k8s', 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
const manifestFiles = readdirSync(join(infra, 'k8s')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const docs = manifestFiles.flatMap((f) => loadK8s(f).map((doc) => ({ file: f, doc })));
const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const workloads = [...byKind('Deployment'), ...byKind('StatefulSet'), ...byKind('Job')];
const podSpec = (w: Doc) => w.spec.template.spec;
const containers = (w: Doc): any[] => podSpec(w).containers;

describe('Kubernetes manifests', () => {
  it('kustomization lists files that exist, all in the fermx namespace', () => {
    for (const r of kustomization.resources) expect(existsSync(join(infra, 'k8s', r)), r).toBe(true);
    for (const { file, doc } of docs) {
      expect(doc.apiVersion, file).toBeTruthy();
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, `${file} ${doc.kind}`).toBe(kustomization.namespace);
    }
  });

  it('every workload selects its own pod labels and sets image, args and resources', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(4);
    for (const w of workloads) {
      const labels = w.spec.template.metadata.labels as Record<string, string>;
      for (const [k, v] of Object.entries((w.spec.selector?.matchLabels ?? {}) as Record<string, string>))
        expect(labels[k], `${w.metadata.name} selector ${k}`).toBe(v);
      for (const c of containers(w)) {
        expect(c.image, w.metadata.name).toMatch(/^[\w./-]+:[\w.-]+$/);
        expect(c.resources?.requests, `${w.metadata.name} requests`).toBeDefined();
        expect(c.resources?.limits?.memory, `${w.metadata.name} memory limit`).toBeDefined();
      }
    }
  });

  it('every Service selects a workload and targets a port it declares', () => {
    for (const svc of byKind('Service')) {
      const target = workloads.find((w) =>
        Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
      );
      expect(target, `service ${svc.metadata.name}`).toBeDefined();
      const ports = containers(target!).flatMap((c) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        const t = p.targetPort;
        expect(
          ports.some((cp: any) => cp.name === t || cp.containerPort === t),
          `${svc.metadata.name} → ${t}`,
        ).toBe(true);
      }
    }
  });

  it('env comes from the ConfigMap and the Secret the manifests define', () => {
    const configMaps = new Set(byKind('ConfigMap').map((d) => d.metadata.name));
    const secrets = new Set(byKind('Secret').map((d) => d.metadata.name));
    for (const w of workloads) {
      for (const c of containers(w)) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) expect(configMaps.has(from.configMapRef.name), from.configMapRef.name).toBe(true);
          if (from.secretRef) expect(secrets.has(from.secretRef.name), from.secretRef.name).toBe(true);
        }
      }
    }
    const secret = byKind('Secret')[0]!;
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['FERMX_API_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
    for (const v of Object.values(secret.stringData)) expect(v).toBe('<set me>');
    expect(kustomization.resources).not.toContain('secrets.example.yaml');
  });

  it('the worker asks for one GPU, drains within its grace period and is scaled by KEDA on the trial queue', () => {
    const worker = byKind('Deployment').find((d) => d.metadata.name === 'fermx-worker')!;
    const c = containers(worker)[0];
    expect(c.resources.requests['nvidia.com/gpu']).toBe(1);
    expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(c.args).toEqual(expect.arrayContaining(['worker']));
    expect(podSpec(worker).terminationGracePeriodSeconds).toBeGreaterThan(30);
    const scaled = byKind('ScaledObject')[0]!;
    expect(scaled.spec.scaleTargetRef.name).toBe('fermx-worker');
    const redis = scaled.spec.triggers.find((t: any) => t.type === 'redis');
    expect(redis.metadata.listName).toBe(redisKeys.waitList({}));
    const api = scaled.spec.triggers.find((t: any) => t.type === 'metrics-api');
    expect(api.metadata.url).toMatch(/^http:\/\/fermx-orchestrator\.fermx\.svc\/api\/queue$/);
  });

  it('the orchestrator: liveness never depends on Redis (/livez), readiness does (/readyz), and it has a token to listen beyond loopback', () => {
    const orchestrator = byKind('Deployment').find((d) => d.metadata.name === 'fermx-orchestrator')!;
    const c = containers(orchestrator)[0];
    expect(c.livenessProbe.httpGet.path).toBe('/livez');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    for (const probe of [c.livenessProbe, c.readinessProbe]) expect(c.ports.map((p: any) => p.name)).toContain(probe.httpGet.port);
    // Both paths are answered by `fermx serve` (apps/orchestrator/src/server/api.ts).
    const api = readFileSync(join(root, 'apps/orchestrator/src/server/api.ts'), 'utf8');
    for (const path of ['/livez', '/readyz']) expect(api).toContain(`'${path}'`);
    // Without FERMX_API_TOKEN `fermx serve` listens on loopback only, unreachable for the Service.
    expect(c.envFrom.map((f: any) => f.secretRef?.name).filter(Boolean)).toContain('fermx-secrets');
  });

  it('Redis runs as a StatefulSet with AOF on a persistent volume', () => {
    const redis = byKind('StatefulSet').find((d) => d.metadata.name === 'fermx-redis')!;
    expect(containers(redis)[0].args.join(' ')).toContain('--appendonly yes');
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
  });
});

describe('docker compose', () => {
  const compose = parse(readFileSync(join(infra, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };

  it('has redis with AOF, MinIO with its bucket, the orchestrator and a GPU worker', () => {
    const s = compose.services;
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['redis', 'minio', 'minio-init', 'orchestrator', 'worker']));
    expect(s.redis.command.join(' ')).toContain('--appendonly yes');
    const bucket = s.orchestrator.environment.FERMX_STORAGE.replace('s3://', '').split('/')[0];
    expect(s['minio-init'].command.join(' ')).toContain(`mc mb --ignore-existing local/${bucket}`);
    const device = s.worker.deploy.resources.reservations.devices[0];
    expect(device.driver).toBe('nvidia');
    expect(device.capabilities).toEqual(expect.arrayContaining(['gpu', 'graphics']));
    expect(s.worker.environment.NVIDIA_DRIVER_CAPABILITIES).toContain('graphics');
    expect(s.worker.environment.REDIS_URL).toBe('redis://redis:6379');
  });

  it('every dependency and Dockerfile it names exists', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const dep of Object.keys(svc.depends_on ?? {})) expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
      if (svc.build) expect(existsSync(join(infra, svc.build.context, svc.build.dockerfile)), `${name} Dockerfile`).toBe(true);
    }
  });
});

describe('Dockerfiles', () => {
  const workspaces = [...['apps', 'libs'].flatMap((dir) => readdirSync(join(root, dir)).map((p) => `${dir}/${p}/package.json`)), 'infra/package.json'].filter(
    (p) => existsSync(join(root, p)),
  );
  for (const file of ['Dockerfile', 'worker.Dockerfile']) {
    it(`${file}: Node 20 bookworm-slim, copies every workspace manifest before npm ci`, () => {
      const text = readFileSync(join(infra, 'docker', file), 'utf8');
      const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
      expect(froms.every((f) => f === 'node:20-bookworm-slim')).toBe(true);
      for (const ws of workspaces) expect(text, `${file} misses ${ws}`).toContain(`COPY ${ws} `);
      expect(text).toMatch(/npm ci --omit=dev/);
    });
  }

  it('the worker image brings the Vulkan loader and asks the NVIDIA runtime for graphics', () => {
    const text = readFileSync(join(infra, 'docker', 'worker.Dockerfile'), 'utf8');
    expect(text).toContain('libvulkan1');
    expect(text).toMatch(/NVIDIA_DRIVER_CAPABILITIES=[\w,]*graphics/);
    expect(text).toContain('tfjs-node-gpu');
  });
});
