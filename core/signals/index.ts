// Signals: input validation, bands, and the service port.
export { bandAtLeast, bandOf, type BandThresholds } from './band';
export { formatPath, toFieldIssues } from './field-issues';
export type { PublishMeta, PublishOutcome, SignalRef, SignalService, UpdateOutcome } from './ports';
export {
  parseSignalInput, parseSignalUpdateInput, signalInputSchema, signalUpdateInputSchema, type CheckedSignalInput, type CheckedSignalUpdate,
} from './validate';
