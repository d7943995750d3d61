import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgencyDeliveryError } from './connector.js';
import { folderConnector } from './folder-connector.js';
import { SAMPLE_PDF, samplePackage } from './test-package.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fordra-agency-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the folder connector', () => {
  it('drops the package and its PDFs in one folder per hand-over', async () => {
    const pkg = samplePackage();
    const result = await folderConnector(dir).deliver(pkg, [{ fileName: 'invoice-F-1.pdf', pdf: SAMPLE_PDF }]);
    expect(result).toEqual({ agencyReference: null });
    const folder = join(dir, pkg.creditor.id, `${pkg.case.id}-${pkg.handoverId}`);
    expect((await readdir(folder)).sort()).toEqual(['handover.json', 'invoice-F-1.pdf']);
    expect(JSON.parse(await readFile(join(folder, 'handover.json'), 'utf8'))).toEqual(pkg);
    expect(Buffer.compare(await readFile(join(folder, 'invoice-F-1.pdf')), Buffer.from(SAMPLE_PDF))).toBe(0);
    // Nothing but the finished package is left in the creditor's folder.
    expect(await readdir(join(dir, pkg.creditor.id))).toEqual([`${pkg.case.id}-${pkg.handoverId}`]);
  });

  it('keeps one copy when the same hand-over is delivered again, replacing the first', async () => {
    const pkg = samplePackage();
    const connector = folderConnector(dir);
    await connector.deliver(pkg, [{ fileName: 'invoice-F-1.pdf', pdf: SAMPLE_PDF }]);
    await connector.deliver({ ...pkg, builtAt: '2026-12-10T09:00:00.000Z' }, []);
    const parent = join(dir, pkg.creditor.id);
    expect(await readdir(parent)).toEqual([`${pkg.case.id}-${pkg.handoverId}`]);
    const folder = join(parent, `${pkg.case.id}-${pkg.handoverId}`);
    expect(await readdir(folder)).toEqual(['handover.json']);
    expect(JSON.parse(await readFile(join(folder, 'handover.json'), 'utf8')).builtAt).toBe('2026-12-10T09:00:00.000Z');
  });

  it('clears what an interrupted delivery left behind', async () => {
    const pkg = samplePackage();
    const parent = join(dir, pkg.creditor.id);
    const name = `${pkg.case.id}-${pkg.handoverId}`;
    await mkdir(join(parent, `.${name}.tmp-dead`), { recursive: true });
    await writeFile(join(parent, `.${name}.tmp-dead`, 'invoice-F-1.pdf'), 'half');
    await folderConnector(dir).deliver(pkg, []);
    expect(await readdir(parent)).toEqual([name]);
  });

  it('refuses file names that would leave the package folder', async () => {
    const connector = folderConnector(dir);
    for (const fileName of ['../escape.pdf', '.hidden.pdf', 'handover.json', 'a/b.pdf']) {
      const err = await connector.deliver(samplePackage(), [{ fileName, pdf: SAMPLE_PDF }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgencyDeliveryError);
      expect((err as AgencyDeliveryError).temporary).toBe(false);
    }
    const err = await connector.deliver(samplePackage({ caseId: '../x' }), []).catch((e: unknown) => e);
    expect((err as AgencyDeliveryError).temporary).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });
});
