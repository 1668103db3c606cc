// The BullMQ adapter against the real Redis (services mode) and the in-process one otherwise: same contract.
import { BullMqJobQueue } from '../../libs/platform/src/queue/bullmq-job-queue';
import { InProcessJobQueue } from '../../libs/platform/src/queue/in-process-job-queue';
import { describeJobQueueContract } from '../../libs/platform/src/queue/job-queue.contract';
import { e2eMode } from './support/e2e-mode';

const defaults = { attempts: 1, backoffMs: 10 };

if (e2eMode() === 'services') {
  const url = process.env.REDIS_URL!;
  describeJobQueueContract('BullMQ on Redis', (name) => new BullMqJobQueue(name, { url, maxRetriesPerRequest: null }, `tp:e2e-${process.pid}:bull`, defaults));
} else {
  describeJobQueueContract('in-process (embedded mode)', (name) => new InProcessJobQueue(name, defaults));
}
