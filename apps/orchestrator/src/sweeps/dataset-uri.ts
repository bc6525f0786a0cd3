import { absoluteStorageUri } from '@fermx/data';

/**
 * `file://./rel` and plain paths (`datasets/ferm/v1`, `/data/ferm`) → `file:///abs/…`, so workers
 * started elsewhere find the same folder; `s3://…` is kept as it is (the rule lives in @fermx/data,
 * next to the dataset roots check that uses it).
 */
export const absoluteDatasetUri = absoluteStorageUri;
