import { EventBus } from '../events/event-bus';
import { OutboxWriter } from './outbox.writer';

describe('OutboxWriter.insertSelectSql', () => {
  it('inserts the rows of the select as they are, leaving duplicate event keys to the relay', () => {
    const sql = new OutboxWriter(new EventBus()).insertSelectSql('select * from fired');
    expect(sql).toBe('insert into outbox (event_key, user_id, category, priority, title, body, data, occurred_at) select * from fired');
  });
});
