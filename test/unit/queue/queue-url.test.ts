import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactRedisUrl, resolveQueueUrl } from '../../../main/queue/queue-url.js';

describe('queue URL', () => {
  it('comes from the flag, an environment variable or the first line of a file', () => {
    expect(resolveQueueUrl('redis://lab1:6379/0')).toBe('redis://lab1:6379/0');
    expect(resolveQueueUrl('env:Q_URL', { Q_URL: ' rediss://:s3cret@lab1:6380/2 \n' })).toBe('rediss://:s3cret@lab1:6380/2');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'initscope-qurl-')), 'url');
    writeFileSync(file, 'rediss://user:pw@lab2:6380/1\n# comment\n');
    expect(resolveQueueUrl(`file:${file}`)).toBe('rediss://user:pw@lab2:6380/1');
  });

  it('refuses what is not a Redis URL, naming the source but never echoing a password', () => {
    expect(() => resolveQueueUrl('env:NOPE', {})).toThrow('the environment variable NOPE is not set');
    expect(() => resolveQueueUrl('file:/no/such/file')).toThrow('--queue file:/no/such/file: cannot read the file (ENOENT)');
    expect(() => resolveQueueUrl('http://:hunter2@lab1/')).toThrow('must start with redis:// or rediss://, got http://');
    expect(() => resolveQueueUrl('http://:hunter2@lab1/')).not.toThrow(/hunter2/);
    expect(() => resolveQueueUrl('lab1:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
  });

  it('is shown without credentials', () => {
    expect(redactRedisUrl('rediss://admin:hunter2@lab1.example:6380/3')).toBe('rediss://lab1.example:6380/3');
    expect(redactRedisUrl('redis://:pw@10.0.0.5')).toBe('redis://10.0.0.5/0');
  });
});
