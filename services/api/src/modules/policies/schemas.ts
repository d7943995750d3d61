import { z } from 'zod';
import { PolicyStepSchema, type PolicyStep } from '@fordra/domain';
import type { PolicyRow, PolicyVersionRow } from '@fordra/db';
import { Instant, iso, Text } from '../../http/schemas.js';

export const StepSchema = PolicyStepSchema.meta({ id: 'PolicyStep', description: 'One step of a collection policy.' });

export const CreatePolicyBody = z
  .object({
    name: Text(100),
    isDefault: z.boolean().default(false).describe('New cases without a named policy follow the default one.'),
    steps: z.array(StepSchema).min(1).max(30),
  })
  .meta({ id: 'NewPolicy' });

export const UpdatePolicyBody = z
  .object({
    name: Text(100).optional(),
    isDefault: z.literal(true).optional().describe('Make this the default policy (another policy stops being it).'),
    steps: z.array(StepSchema).min(1).max(30).optional().describe('New steps make a new version; running cases keep theirs.'),
  })
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change')
  .meta({ id: 'PolicyUpdate' });

export const PolicySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    isDefault: z.boolean(),
    version: z.number().int().describe('The current version; cases started on older ones keep theirs.'),
    steps: z.array(StepSchema),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Policy' });

export function toPolicy(policy: PolicyRow, version: PolicyVersionRow) {
  return {
    id: policy.id,
    name: policy.name,
    isDefault: policy.is_default,
    version: version.version,
    steps: version.steps as PolicyStep[],
    createdAt: iso(policy.created_at),
    updatedAt: iso(policy.updated_at),
  };
}
