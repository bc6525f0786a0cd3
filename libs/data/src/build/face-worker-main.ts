import { parentPort, workerData } from 'node:worker_threads';
import { FaceApiLandmarkDetector, type FaceApiModel } from '../landmarks/face-api-detector.js';
import { processFaces, type FaceInput, type MaskingOptions } from './face-processor.js';
import sharp from 'sharp';

const port = parentPort;
if (!port) throw new Error('face-worker-main runs inside a worker thread');
const { options } = workerData as { options: MaskingOptions & { model?: FaceApiModel } };
// One libvips thread per worker: the builder's parallelism is its worker threads.
sharp.concurrency(1);
sharp.cache(false);
try {
  const detector = await FaceApiLandmarkDetector.load({ model: options.model });
  port.postMessage({ ready: true });
  // Batches are handled one at a time, in order (the main thread keeps each worker fed).
  let queue = Promise.resolve();
  port.on('message', (message: { id: number; faces: FaceInput[] }) => {
    queue = queue.then(async () => {
      try {
        const faces = await processFaces(detector, message.faces, options);
        port.postMessage({ id: message.id, faces });
      } catch (error) {
        port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) });
}
