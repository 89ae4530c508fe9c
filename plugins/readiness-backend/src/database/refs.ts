/**
 * The one form of an entity ref the readiness tables store and compare: lower-cased, as the
 * catalog compares refs case-insensitively.
 */
export const normalizeRef = (ref: string): string =>
  ref.toLocaleLowerCase('en-US');

/** `normalizeRef` for a list of refs or filter values. */
export const normalizeRefs = (refs: string[]): string[] =>
  refs.map(normalizeRef);
