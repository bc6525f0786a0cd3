import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureBinary, type Requirement } from '@fermx/cli';

/** Debian's ffmpeg: it turns still photos into the video chromium's fake camera plays. */
export const FFMPEG: Requirement = {
  binary: 'ffmpeg',
  debianPackage: 'ffmpeg',
  purpose: 'a fake camera fed by face photos (the Try-it browser test and bench)',
};

export interface FakeCameraOptions {
  /** How long each photo stays in front of the camera. */
  secondsEach: number;
  /** Frames per second of the video. */
  fps: number;
}

/**
 * Still photos, one after another, as one 640×480 Y4M video at `out` (each scaled to fit and
 * padded): what chromium plays, in a loop, as the webcam. Returns `out`.
 */
export async function fakeCameraVideo(photos: readonly string[], out: string, options: FakeCameraOptions): Promise<string> {
  if (photos.length === 0) throw new Error('fakeCameraVideo: no photos');
  const fit = `scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${options.fps}`;
  const inputs = photos.flatMap((photo) => ['-loop', '1', '-t', String(options.secondsEach), '-i', photo]);
  const scaled = photos.map((_, i) => `[${i}:v]${fit}[p${i}]`).join(';');
  const joined = `${photos.map((_, i) => `[p${i}]`).join('')}concat=n=${photos.length}:v=1[v]`;
  const args = ['-v', 'error', '-y', ...inputs, '-filter_complex', `${scaled};${joined}`, '-map', '[v]', '-pix_fmt', 'yuv420p', out];
  await promisify(execFile)(ensureBinary(FFMPEG), args, { timeout: 120_000 });
  return out;
}

/** The chromium flags that make `video` the webcam, with the permission granted. */
export function fakeCameraArgs(video: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
}
