/**
 * Why a bank file was refused. The kinds are part of the contract with the API, which answers
 * `malformed_xml` and `too_large` as a bad request and the others as an unprocessable file.
 */
export type BankFileErrorKind =
  /** Not well-formed XML, not UTF-8 (or a declared encoding we read), or a document type declaration. */
  | 'malformed_xml'
  /** Larger than the limit, or too many transactions or too deep. */
  | 'too_large'
  /** Well-formed XML, but not a camt.054 or camt.053 message of a version we read. */
  | 'unsupported_message'
  /** An element the standard makes mandatory, or that we need, is missing. */
  | 'missing_field'
  /** An element holds a value that is not what the standard allows (an amount, a date, a code). */
  | 'invalid_value';

export class BankFileError extends Error {
  constructor(
    readonly kind: BankFileErrorKind,
    message: string,
    /** Where in the file: element names and 1-based positions, e.g. `/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt`. */
    readonly path: string | null = null,
  ) {
    super(path ? `${message} (at ${path})` : message);
    this.name = 'BankFileError';
  }
}
