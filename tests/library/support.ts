import JSZip from 'jszip';
import { db } from '../../src/db';
import { api } from '../helpers';

export { pdfWithText } from '../../src/seed/library.files';

/** A minimal real DOCX (what Word writes, reduced to the parts mammoth and the content check need). */
export async function docxWithText(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
      .map((p) => `<w:p><w:r><w:t>${esc(p)}</w:t></w:r></w:p>`)
      .join('')}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export async function zipWith(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [k, v] of Object.entries(files)) zip.file(k, v);
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** Publishes a document through the API. */
export function publish(
  auth: string,
  orgId: string,
  fields: Record<string, string>,
  file: Buffer | null,
  name = 'document.pdf',
) {
  let r = api().post(`/api/v1/orgs/${orgId}/documents`).set('Authorization', auth);
  for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
  if (file) r = r.attach('file', file, name);
  return r;
}

export function newVersion(auth: string, docId: string, note: string, file: Buffer, name = 'document.pdf') {
  return api()
    .post(`/api/v1/documents/${docId}/versions`)
    .set('Authorization', auth)
    .field('note', note)
    .attach('file', file, name);
}

export async function libraryCounts() {
  const [documents, versions, files, sections] = await Promise.all([
    db().document.count(),
    db().documentVersion.count(),
    db().documentFile.count(),
    db().librarySection.count(),
  ]);
  return { documents, versions, files, sections };
}

/** Supertest buffers binary bodies only when asked. */
export function binary(
  res: { on(e: string, cb: (c?: Buffer) => void): void },
  cb: (err: Error | null, body: Buffer) => void,
) {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
