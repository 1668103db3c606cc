// A POST whose answer may come before the body is fully sent (413): the server then closes its side, and the
// client sees EPIPE/ECONNRESET, sometimes before the answer has been read. Such an attempt is repeated.
import { request } from 'node:http';

const ATTEMPTS = 5;
const ANSWER_GRACE_MS = 200;

export async function postRaw(url: string, body: string): Promise<{ status: number; text: string }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await postOnce(url, body);
    if (answer || attempt === ATTEMPTS) {
      if (!answer) throw new Error(`no answer from ${url} after ${ATTEMPTS} attempts (connection reset each time)`);
      return answer;
    }
  }
}

function postOnce(url: string, body: string): Promise<{ status: number; text: string } | undefined> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') return reject(error);
      // the answer may still be on its way; if it is not, the caller tries again
      setTimeout(() => !answered && resolve(undefined), ANSWER_GRACE_MS);
    });
    req.end(body);
  });
}
