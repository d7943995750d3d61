import { describe, expect, it } from 'vitest';
import { creditReference, referenceForms } from './matching.js';

describe('creditReference', () => {
  it('takes the structured reference, in every form it may be stored in', () => {
    expect(creditReference({ creditorReference: '100 0173', remittanceLines: [] })).toEqual({ given: '100 0173', valid: true, lookup: ['1000173'] });
    expect(creditReference({ creditorReference: 'rf25 1000 1', remittanceLines: [] })).toEqual({ given: 'rf25 1000 1', valid: true, lookup: ['RF2510001'] });
    // The Finnish machine-readable form has leading zeros; cases store it without them.
    expect(creditReference({ creditorReference: '00000000000000100010', remittanceLines: [] }).lookup).toEqual(['00000000000000100010', '100010']);
  });

  it('says when the check digits are wrong', () => {
    expect(creditReference({ creditorReference: '1000174', remittanceLines: [] })).toEqual({ given: '1000174', valid: false, lookup: ['1000174'] });
  });

  it('falls back to an unstructured line that is by itself a valid reference', () => {
    expect(creditReference({ creditorReference: null, remittanceLines: ['Faktura 1002', '1000 272'] })).toMatchObject({ given: '1000 272', lookup: ['1000272'] });
    expect(creditReference({ creditorReference: null, remittanceLines: ['Faktura 1000272'] })).toEqual({ given: null, valid: false, lookup: [] });
    expect(creditReference({ creditorReference: '  ', remittanceLines: [] }).given).toBeNull();
  });

  it('referenceForms', () => {
    expect(referenceForms('abc')).toEqual({ valid: false, forms: ['ABC'] });
  });
});
