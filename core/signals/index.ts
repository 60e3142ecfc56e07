// Signals: input validation, bands, and the service port.
export { bandAtLeast, bandOf, type BandThresholds } from './band';
export { formatPath, toFieldIssues } from './field-issues';
export type { PublishMeta, PublishOutcome, SignalService, UpdateOutcome } from './ports';
export { parseSignalInput, parseSignalUpdateInput, signalInputSchema, signalUpdateInputSchema } from './validate';
