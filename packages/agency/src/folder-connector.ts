import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgencyDeliveryError, type AgencyConnector } from './connector.js';
import type { HandoverDocument, HandoverPackage } from './handover-package.js';

const SAFE_ID = /^[A-Za-z0-9-]{1,100}$/;
const SAFE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;

/**
 * Drops each hand-over as a folder an agency (or a person) picks up:
 * `<dir>/<creditorId>/<caseId>-<handoverId>/handover.json` and the PDFs beside it.
 *
 * The folder is written under a hidden temporary name and renamed into place, so a reader never
 * sees half a package. A second delivery of the same hand-over replaces the first, so there is
 * always exactly one copy of it.
 */
export function folderConnector(dir: string): AgencyConnector {
  return {
    name: 'folder',
    async deliver(handover, documents) {
      const creditorId = handover.creditor.id;
      const name = `${handover.case.id}-${handover.handoverId}`;
      for (const id of [creditorId, handover.case.id, handover.handoverId]) {
        if (!SAFE_ID.test(id)) throw new AgencyDeliveryError(`not a usable folder name: ${JSON.stringify(id)}`, false);
      }
      for (const d of documents) {
        if (!SAFE_FILE.test(d.fileName) || d.fileName === 'handover.json') throw new AgencyDeliveryError(`not a usable file name: ${JSON.stringify(d.fileName)}`, false);
      }
      const parent = join(dir, creditorId);
      await mkdir(parent, { recursive: true });
      await removeLeftovers(parent, name);
      const staging = join(parent, `.${name}.tmp-${randomBytes(4).toString('hex')}`);
      await writePackage(staging, handover, documents);
      await swapInto(staging, join(parent, name), join(parent, `.${name}.old-${randomBytes(4).toString('hex')}`));
      return { agencyReference: null };
    },
  };
}

async function writePackage(folder: string, handover: HandoverPackage, documents: HandoverDocument[]) {
  await mkdir(folder);
  for (const d of documents) await writeFile(join(folder, d.fileName), d.pdf);
  await writeFile(join(folder, 'handover.json'), `${JSON.stringify(handover, null, 2)}\n`);
}

/**
 * Puts the new folder where the old one was. A directory cannot be renamed over a non-empty one,
 * so the old copy moves aside first; a crash between the two renames leaves no package in place,
 * and the hand-over, not yet recorded as delivered, is simply delivered again.
 */
async function swapInto(staging: string, target: string, aside: string) {
  try {
    await rename(staging, target);
    return;
  } catch (err) {
    if (!isCode(err, 'ENOTEMPTY', 'EEXIST')) throw err;
  }
  await rename(target, aside);
  await rename(staging, target);
  await rm(aside, { recursive: true, force: true });
}

/** Temporary and set-aside folders of an earlier, interrupted delivery of the same hand-over. */
async function removeLeftovers(parent: string, name: string) {
  const entries = await readdir(parent);
  const stale = entries.filter((e) => e.startsWith(`.${name}.tmp-`) || e.startsWith(`.${name}.old-`));
  await Promise.all(stale.map((e) => rm(join(parent, e), { recursive: true, force: true })));
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: string }).code ?? '');
}
