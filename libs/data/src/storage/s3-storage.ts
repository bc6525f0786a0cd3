import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkKey, checkPrefix, toBytes } from './keys.js';
import { getRequired, StorageUnavailableError, type Storage } from './storage.js';

/** Objects above this size go up in parts (lib-storage `Upload`), each this big. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

/**
 * The S3 client settings fermx derives from the AWS SDK's standard variables. Endpoint from
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (MinIO, Ceph RGW, R2, s3rver); path-style addressing when
 * AWS_S3_FORCE_PATH_STYLE=true or a custom endpoint is set (most S3-compatible servers lack
 * virtual-host buckets). Credentials from `env` when it names them, else the SDK's default chain.
 */
export function s3ClientConfig(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const forcePathStyle =
    env.AWS_S3_FORCE_PATH_STYLE !== undefined && env.AWS_S3_FORCE_PATH_STYLE !== ''
      ? /^(1|true|yes)$/i.test(env.AWS_S3_FORCE_PATH_STYLE)
      : endpoint !== undefined;
  const config: S3ClientConfig = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle,
    maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || 4,
  };
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return config;
}

/** `s3://bucket/prefix` storage on any S3-compatible endpoint. */
export class S3Storage implements Storage {
  readonly uri: string;
  private readonly prefix: string;

  constructor(
    readonly bucket: string,
    prefix: string,
    private readonly client: S3Client,
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.uri = `s3://${bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  get(key: string): Promise<Uint8Array> {
    return getRequired(this, key);
  }

  async getOptional(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!response.Body) return new Uint8Array(0);
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translate(`get ${this.uriOf(key)}`, error);
    }
  }

  async put(key: string, body: Uint8Array | string, options: { contentType?: string } = {}): Promise<void> {
    const bytes = toBytes(body);
    const params = { Bucket: this.bucket, Key: this.objectKey(key), Body: bytes, ContentType: options.contentType };
    try {
      if (bytes.byteLength > MULTIPART_THRESHOLD) {
        await new Upload({ client: this.client, params, partSize: MULTIPART_THRESHOLD, queueSize: 4 }).done();
      } else {
        await this.client.send(new PutObjectCommand(params));
      }
    } catch (error) {
      throw translate(`put ${this.uriOf(key)}`, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw translate(`head ${this.uriOf(key)}`, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(strip));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw translate(`list ${this.uriOf(prefix || '.')}`, error);
    }
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw translate(`delete ${this.uriOf(key)}`, error);
    }
  }
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(error: unknown): boolean {
  const e = error as SdkError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}

/**
 * Network failures, throttling and 5xx (after the SDK's own retries) mean "try again later":
 * StorageUnavailableError. Other answers (access denied, missing bucket) are configuration
 * mistakes and keep the SDK's error name in the message.
 */
function translate(what: string, error: unknown): Error {
  const e = error as SdkError;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (status === undefined || status >= 500 || status === 429 || name === 'TimeoutError') {
    return new StorageUnavailableError(`storage: cannot ${what}: ${name}: ${message || e?.code || 'network error'}`, { cause: error });
  }
  return new Error(`storage: cannot ${what}: ${name} (HTTP ${status}): ${message}`, { cause: error });
}
