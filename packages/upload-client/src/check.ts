import { checkFile, type PolicyViolation } from '@app/api/policy';
import type { ClientPolicy } from './options';

/** The policy's verdict on the file that would be signed (the server checks the same again). */
export const checkAgainst = (policy: ClientPolicy, file: { type: string; size: number }): PolicyViolation | null =>
  checkFile({ ...policy, multipartThresholdBytes: policy.multipartThresholdBytes ?? Number.MAX_SAFE_INTEGER }, file);
