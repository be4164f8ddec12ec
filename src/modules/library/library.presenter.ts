import type { Response } from 'express';
import { fromDate } from '../../lib/dates';
import { contentDisposition } from './files';
import { DOCUMENT_KINDS } from './library.input';
import type { DocumentFull, DocumentRow } from './library.repo';

export function documentListJson(r: DocumentRow) {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    number: r.number,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
    date: r.docDate ? fromDate(r.docDate) : null,
    organisation: { id: r.organisationId, name: r.orgName },
    superseded: r.superseded,
    updated: r.updatedForMe,
  };
}

export function documentJson(d: DocumentFull, lastDownloaded: number | null) {
  return {
    id: d.id,
    title: d.title,
    kind: d.kind,
    number: d.number,
    date: d.docDate ? fromDate(d.docDate) : null,
    description: d.description,
    section: d.section ? { id: d.section.id, name: d.section.name } : null,
    organisation: { id: d.organisation.id, name: d.organisation.shortName ?? d.organisation.name },
    version: d.version,
    updatedAt: d.updatedAt.toISOString(),
    superseded: d.supersededAt !== null,
    supersededBy: d.supersededBy ? { id: d.supersededBy.id, title: d.supersededBy.title } : null,
    updated: lastDownloaded !== null && lastDownloaded < d.version,
    versions: d.versions.map((v) => ({
      version: v.version,
      fileName: v.fileName,
      size: v.size,
      uploadedAt: v.uploadedAt.toISOString(),
      note: v.note,
    })),
  };
}

/** A document row for the list page. */
export function documentItem(r: DocumentRow) {
  return {
    id: r.id,
    title: r.title,
    kindLabel: DOCUMENT_KINDS[r.kind],
    number: r.number,
    date: r.docDate,
    version: r.version,
    updatedAt: r.updatedAt,
    orgName: r.orgName,
    sectionName: r.sectionName,
    superseded: r.superseded,
    updated: r.updatedForMe,
  };
}

export function fileSize(n: number): string {
  if (n < 1024) return `${n} Б`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} КБ`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} МБ`;
}

/**
 * Sends a stored file: always an attachment (never rendered inline), its type fixed (nosniff), and a sandbox
 * CSP in case a browser opens it anyway, so that a crafted file cannot run script in the registry's origin.
 */
export function sendStoredFile(res: Response, f: { fileName: string; mime: string; data: Buffer }) {
  res.setHeader('Content-Type', f.mime);
  res.setHeader('Content-Length', String(f.data.length));
  res.setHeader('Content-Disposition', contentDisposition(f.fileName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'private, no-store');
  res.status(200).end(f.data);
}
