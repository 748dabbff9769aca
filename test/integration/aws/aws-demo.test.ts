import { describe, expect, it } from 'vitest';
import { runAwsDemo } from '../../../scripts/demo/aws-demo.js';

describe('runAwsDemo', () => {
  it('shows a grant and a revocation read back from IAM', async () => {
    const lines: string[] = [];
    expect(await runAwsDemo((line) => lines.push(line))).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain("before the grant, alice's policies: []");
    expect(text).toMatch(/after s3_grant_data_lake_read is approved, alice's policies: \["kjit-s3_grant_data_lake_read-demo-grant-1"\]/);
    expect(text).toContain('"aws:CurrentTime"');
    expect(text).toContain("after the revocation, alice's policies: []");
  });

  it('says it skipped when moto_server is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const lines: string[] = [];
      expect(await runAwsDemo((line) => lines.push(line))).toBe(false);
      expect(lines.join('\n')).toMatch(/AWS demo skipped: moto_server is not on PATH/);
    } finally {
      process.env.PATH = path;
    }
  });
});
