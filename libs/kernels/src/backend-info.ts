export const backendNames = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export type BackendChoice = BackendName | 'auto';

/** Which tfjs backend trains, and why it was chosen; recorded with every result. */
export interface BackendInfo {
  name: BackendName;
  /** Why this backend: asked for explicitly, or the first that worked under `auto`. */
  reason: string;
  /** What it runs on, when known (GPU adapter, wasm features, tfjs-node flavour). */
  device?: string;
  /** Backends `auto` tried before this one, each with why it was skipped. */
  skipped?: { name: BackendName; reason: string }[];
}

/** What a probe found: a backend ready to activate, or the reason it cannot be used here. */
export type ProbeResult = { available: true; device?: string; activate: () => Promise<ActivationNote | void> } | { available: false; reason: string };

/** What activation learned: a more precise device string, or a caveat for the reason. */
export interface ActivationNote {
  device?: string;
  caveat?: string;
}

/** What a probe may know about the request: an explicit choice may accept what `auto` skips (a software GPU). */
export interface ProbeContext {
  explicit: boolean;
}

export type BackendProbe = (context: ProbeContext) => Promise<ProbeResult>;
export type BackendProbes = Record<BackendName, BackendProbe>;

export type BackendLog = (message: string, fields?: object) => void;
