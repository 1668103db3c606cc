import { describeJobQueueContract } from './job-queue.contract';
import { InProcessJobQueue } from './in-process-job-queue';

describeJobQueueContract('in-process (p-queue)', (name) => new InProcessJobQueue(name, { attempts: 1, backoffMs: 10 }));
