import { pdfDoc } from '../lib/exports';

/** A PDF with Russian text (DejaVu embedded, so its text can be extracted and searched): demo and tests. */
export function pdfWithText(title: string, paragraphs: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = pdfDoc();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('bold').fontSize(16).text(title).moveDown();
    doc.font('regular').fontSize(11);
    for (const p of paragraphs) doc.text(p).moveDown(0.5);
    doc.end();
  });
}
