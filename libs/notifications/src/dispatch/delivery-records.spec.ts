import type { ClaimedDelivery, DeliveriesRepository, DeliveryOutcome, DispatchClaim } from '../store/deliveries.repository';
import { DeliveryRecords } from './delivery-records';

/** The repository's contract without a database: a notification leaves the queue once; each statement is recorded. */
class StatementLog {
  readonly claims: DispatchClaim[][] = [];
  readonly marks: DeliveryOutcome[][] = [];
  private readonly dispatched = new Set<string>();

  async claim(requests: readonly DispatchClaim[]): Promise<ClaimedDelivery[]> {
    this.claims.push([...requests]);
    return requests.flatMap(({ id, plans }) => {
      if (this.dispatched.has(id)) return [];
      this.dispatched.add(id);
      return plans.filter((plan) => plan.status === 'claimed').map((plan) => ({ id, channel: plan.channel }));
    });
  }

  async mark(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    this.marks.push([...outcomes]);
  }
}

function setUp() {
  const log = new StatementLog();
  return { log, records: new DeliveryRecords(log as unknown as DeliveriesRepository) };
}

describe('DeliveryRecords', () => {
  it('claims the batches of one turn in one statement and answers each batch with its own claimed ids', async () => {
    const { log, records } = setUp();
    const plans = [
      { channel: 'websocket', status: 'claimed' as const },
      { channel: 'telegram', status: 'skipped' as const, reason: 'no chat linked' },
    ];
    const [first, second] = await Promise.all([records.claim(['1', '2'], plans), records.claim(['3'], [plans[0]])]);
    expect(log.claims).toHaveLength(1);
    expect(log.claims[0].flatMap(({ id, plans }) => plans.map((plan) => `${id}/${plan.channel}/${plan.status}`))).toEqual([
      '1/websocket/claimed',
      '1/telegram/skipped',
      '2/websocket/claimed',
      '2/telegram/skipped',
      '3/websocket/claimed',
    ]);
    expect(first).toEqual(new Map([['websocket', ['1', '2']]]));
    expect(second).toEqual(new Map([['websocket', ['3']]]));
  });

  it('gives a record planned by two batches of one turn to one of them only', async () => {
    const { records } = setUp();
    const plan = [{ channel: 'websocket', status: 'claimed' as const }];
    const [first, second] = await Promise.all([records.claim(['7'], plan), records.claim(['7'], plan)]);
    expect([first.get('websocket'), second.get('websocket')]).toEqual([['7'], undefined]);
  });

  it('claims several batches given at once like batches claimed one by one, the same id to the first batch only', async () => {
    const { log, records } = setUp();
    const claimed = { channel: 'websocket', status: 'claimed' as const };
    const answers = await records.claimBatches([
      { ids: ['1', '2'], plans: [claimed], dedupeKey: '1' },
      { ids: ['3'], plans: [], dedupeKey: '3' },
      { ids: ['2', '4'], plans: [claimed, { channel: 'telegram', status: 'claimed' }], dedupeKey: '2' },
    ]);
    expect(log.claims).toHaveLength(1);
    expect(answers).toEqual([
      new Map([['websocket', ['1', '2']]]),
      new Map(),
      new Map([
        ['websocket', ['4']],
        ['telegram', ['4']],
      ]),
    ]);
  });

  it("gives every notification of a batch the batch's dedupe key, a new one per batch unless it is sent again", async () => {
    const { log, records } = setUp();
    const plan = [{ channel: 'websocket', status: 'claimed' as const }];
    // two batches asking for the same first id (only one claims it) still get keys of their own
    await Promise.all([records.claim(['5', '6'], plan), records.claim(['5', '7'], plan), records.claim(['8'], plan, 'resent-batch')]);
    const keys = log.claims[0].map(({ dedupeKey }) => dedupeKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).toBe(keys[3]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[4]).toBe('resent-batch');
  });

  it('hands equal plans of different batches to the statement as one array, and unequal ones apart', async () => {
    const { log, records } = setUp();
    const claimed = () => [{ channel: 'websocket', status: 'claimed' as const }];
    const noReason = () => [{ channel: 'telegram', status: 'skipped' as const }];
    const emptyReason = () => [{ channel: 'telegram', status: 'skipped' as const, reason: '' }];
    await records.claimBatches([
      { ids: ['1'], plans: claimed(), dedupeKey: '1' },
      { ids: ['2'], plans: claimed(), dedupeKey: '2' },
      { ids: ['3'], plans: noReason(), dedupeKey: '3' },
      { ids: ['4'], plans: emptyReason(), dedupeKey: '4' },
    ]);
    const [one, two, three, four] = log.claims[0].map((request) => request.plans);
    expect(two).toBe(one);
    expect(three).not.toBe(four);
    expect([three, four]).toEqual([noReason(), emptyReason()]);
  });

  it('takes a notification no channel can reach out of the queue without writing a record', async () => {
    const { log, records } = setUp();
    expect(await records.claim(['9'], [])).toEqual(new Map());
    expect(log.claims).toEqual([[{ id: '9', plans: [], dedupeKey: expect.any(String) }]]);
  });

  it('records the outcomes of every channel and batch of one turn in one statement', async () => {
    const { log, records } = setUp();
    await Promise.all([records.mark('websocket', ['1', '2'], 'sent'), records.mark('webhook', ['1'], 'failed', 'timeout'), records.mark('websocket', ['3'], 'sent')]);
    expect(log.marks).toEqual([
      [
        { id: '1', channel: 'websocket', status: 'sent', error: undefined },
        { id: '2', channel: 'websocket', status: 'sent', error: undefined },
        { id: '1', channel: 'webhook', status: 'failed', error: 'timeout' },
        { id: '3', channel: 'websocket', status: 'sent', error: undefined },
      ],
    ]);
  });

  it('waits out an unreachable database: outcomes and claims are written once it answers, nothing is dropped', async () => {
    const { log, records } = setUp();
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const mark = log.mark.bind(log);
    const claim = log.claim.bind(log);
    let outages = 2;
    log.mark = async (outcomes) => (outages-- > 0 ? Promise.reject(refused()) : mark(outcomes));
    log.claim = async (requests) => (outages-- > 0 ? Promise.reject(refused()) : claim(requests));
    await records.mark('websocket', ['1'], 'sent');
    expect(log.marks).toEqual([[{ id: '1', channel: 'websocket', status: 'sent', error: undefined }]]);
    outages = 2;
    expect(await records.claim(['2'], [{ channel: 'websocket', status: 'claimed' }])).toEqual(new Map([['websocket', ['2']]]));
  });

  it('fails an outcome at once on an error other than an unreachable database', async () => {
    const { log, records } = setUp();
    log.mark = async () => Promise.reject(Object.assign(new Error('value too long'), { code: '22001' }));
    await expect(records.mark('websocket', ['1'], 'sent')).rejects.toThrow('value too long');
  });
});
