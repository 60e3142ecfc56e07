// Publishing as a use case: signals and their updates in, stored signal and planned deliveries out, over small ports.
export { extraKindsOf, recipientsOfKind } from './content-kinds';
export type {
  CandidateBatch, CandidateSource, NewSignal, NewSignalUpdate, OutboxWriter, PlannedDeliveries, PublishingDeps, SignalDeliveryKind, SignalStore,
  StoredSignal, Transaction, UpdateOutbox, UpdatePlan,
} from './ports';
export { publishSignal } from './publish-signal';
export { publishSignalUpdate, type UpdateDeps } from './publish-update';
