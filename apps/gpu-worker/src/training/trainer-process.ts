/**
 * Entry of the trainer child process. tfjs blocks the event loop for whole batches, so training
 * runs here while the worker process keeps renewing the BullMQ job lock. Every storage write
 * happens in the worker; this process only reads the dataset and trains, always with tfjs.
 */
import { createTfjsTrainer } from './create-trainer.js';
import { serveTrainer } from './trainer-child.js';

serveTrainer(createTfjsTrainer);
