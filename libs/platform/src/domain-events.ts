// The map of domain event names to payloads. Each plugin adds its own events with a module augmentation:
//   declare module '@tradepulse/platform' { interface DomainEvents { 'alert.triggered': AlertTriggered } }
// The interface lives in the barrel (index.ts) so that augmenting '@tradepulse/platform' merges with it.
export type { DomainEvents } from './index';
