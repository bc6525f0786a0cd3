import type { BuildProgress } from '@fermx/data';

/** A one-line progress bar (images/s, ETA) redrawn in place on a terminal. */
export function progressBar(stream: NodeJS.WritableStream & { columns?: number }, label = 'rows'): { update(p: BuildProgress): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
      const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const filled = Math.round(fraction * width);
      const eta = Number.isFinite(p.etaSeconds) ? `${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s` : '?';
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} ${p.imagesPerSecond.toFixed(0)} img/s ETA ${eta}  `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
