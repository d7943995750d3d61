import { describe, expect, it } from 'vitest';
import { assertPdf } from './documents.js';

describe('invoice documents', () => {
  it('accepts a PDF and refuses anything else', () => {
    expect(() => assertPdf(new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n'))).not.toThrow();
    expect(() => assertPdf(new TextEncoder().encode('<html>not a pdf</html>'))).toThrow(/not a PDF/);
    expect(() => assertPdf(new Uint8Array())).toThrow(/not a PDF/);
  });
});
