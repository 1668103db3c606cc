import { EventBus } from '../events/event-bus';
import { OutboxWriter } from './outbox.writer';

describe('OutboxWriter.insertSelectSql', () => {
  const writer = new OutboxWriter(new EventBus());
  const select = 'select * from fired';

  it('skips rows whose event key is already in the outbox unless told otherwise', () => {
    expect(writer.insertSelectSql(select)).toMatch(/select \* from fired on conflict \(event_key\) do nothing$/);
    expect(writer.insertSelectSql(select, { duplicateKeys: 'skip' })).toMatch(/on conflict \(event_key\) do nothing$/);
  });

  it('leaves a duplicate key to fail the statement when the keys are unique by construction', () => {
    const sql = writer.insertSelectSql(select, { duplicateKeys: 'fail' });
    expect(sql).not.toMatch(/on conflict/);
    expect(sql).toMatch(/^insert into outbox \(event_key, user_id, category, priority, title, body, data, occurred_at\) select \* from fired$/);
  });
});
