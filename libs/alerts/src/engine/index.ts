// Pure, in-memory engines for alert triggering; no Nest imports.
export type { AlertCondition, AlertFrequency, FiredAlert, IndexedAlert } from './types';
export { TriggerIndex } from './trigger-index';
export { ThresholdBook, ThresholdSide, type BookSide } from './threshold-book';
export { PriceWindow } from './price-window';
