import { describe, expect, it } from 'vitest';
import { s3ClientConfig } from './s3-storage.js';

describe('s3ClientConfig', () => {
  it('uses a custom endpoint with path-style addressing and env credentials', () => {
    const config = s3ClientConfig({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' });
    expect(config).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
  });

  it('falls back to AWS_ENDPOINT_URL and honours an explicit path-style setting', () => {
    expect(s3ClientConfig({ AWS_ENDPOINT_URL: 'http://minio:9000', AWS_S3_FORCE_PATH_STYLE: 'false', AWS_REGION: 'eu-west-1' })).toMatchObject({
      endpoint: 'http://minio:9000',
      forcePathStyle: false,
      region: 'eu-west-1',
    });
  });

  it('leaves AWS S3 defaults and the credential chain alone without overrides', () => {
    const config = s3ClientConfig({});
    expect(config.endpoint).toBeUndefined();
    expect(config.credentials).toBeUndefined();
    expect(config.forcePathStyle).toBe(false);
  });
});
