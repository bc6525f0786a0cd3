import { recordedTestTimeAugmentation, type ModelMetadata, type TestTimeAugmentation } from '@fermx/models';
import { TrialInputError } from '../training/errors/index.js';

/** The test-time views a saved model records (recordedTestTimeAugmentation); a bad value names the model. */
export function recordedViews(modelUri: string, metadata: ModelMetadata): TestTimeAugmentation {
  try {
    return recordedTestTimeAugmentation(metadata);
  } catch (error) {
    throw new TrialInputError(`model ${modelUri}: ${(error as Error).message}`);
  }
}
