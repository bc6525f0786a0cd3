/** What `onProgress` receives while a dataset builds. */
export interface BuildProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

/** Counts source rows done (read and dropped, or through the face stage) and reports the rate. */
export class ProgressCounter {
  done = 0;
  constructor(
    private readonly total: number,
    private readonly started: number,
    private readonly onProgress: ((progress: BuildProgress) => void) | undefined,
  ) {}

  report(): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 1e-3);
    this.onProgress?.({
      done: this.done,
      total: this.total,
      imagesPerSecond: rate,
      etaSeconds: rate > 0 ? Math.max(0, this.total - this.done) / rate : Infinity,
    });
  }
}
