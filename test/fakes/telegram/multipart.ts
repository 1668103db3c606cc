// A minimal multipart/form-data parser: enough for the bodies telegraf's MultipartStream writes.

export interface FormFile {
  filename: string;
  data: Buffer;
  contentType?: string;
}

export interface FormData {
  fields: Record<string, string>;
  files: Record<string, FormFile>;
}

const CRLF = '\r\n';

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): FormData {
  const form: FormData = { fields: {}, files: {} };
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`${CRLF}--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === CRLF) start += 2;
    const end = body.indexOf(nextDelimiter, start);
    if (end === -1) break;
    addPart(form, body.subarray(start, end));
    position = end + CRLF.length;
  }
  return form;
}

function addPart(form: FormData, part: Buffer): void {
  const headerEnd = part.indexOf(`${CRLF}${CRLF}`);
  if (headerEnd === -1) return;
  const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
  const content = part.subarray(headerEnd + 4);
  const disposition = headers['content-disposition'] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return;
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (filename === undefined) {
    form.fields[name] = content.toString('utf8');
  } else {
    form.files[name] = { filename, data: Buffer.from(content), contentType: headers['content-type'] };
  }
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
